package dev.parley.rooms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.support.Api;
import dev.parley.support.Deployments;
import dev.parley.support.ParleyTest;
import dev.parley.support.Users;
import jakarta.json.JsonObject;
import java.net.URL;
import java.util.List;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Rooms, membership and visibility, driven over HTTP. */
@ParleyTest
class RoomsIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.parley();
    }

    @ArquillianResource
    URL url;

    Api api;
    Users.User alice;
    Users.User bob;

    @BeforeEach
    void users() {
        api = new Api(url);
        alice = Users.create(api, "alice");
        bob = Users.create(api, "bob");
    }

    @Test
    void createListJoinLeaveAndMembers() {
        var created = api.post("/rooms", "{\"name\":\"General\",\"topic\":\"anything\"}", alice.token());
        assertEquals(201, created.status(), created::toString);
        JsonObject room = created.json();
        long id = room.getJsonNumber("id").longValue();
        assertTrue(created.header("Location").orElseThrow().endsWith("/api/rooms/" + id));
        assertEquals("General", room.getString("name"));
        assertEquals("anything", room.getString("topic"));
        assertEquals("public", room.getString("visibility"));
        assertTrue(room.getBoolean("member"));
        assertEquals(1, room.getInt("member_count"));
        assertEquals(0, room.getInt("last_seq"));

        JsonObject listed = find(api.get("/rooms", bob.token()), id);
        assertFalse(listed.getBoolean("member"), "bob sees the public room but is not in it");

        assertEquals(204, api.put("/rooms/" + id + "/members/me", bob.token()).status());
        assertEquals(204, api.put("/rooms/" + id + "/members/me", bob.token()).status(), "joining twice is harmless");
        JsonObject joined = find(api.get("/rooms", bob.token()), id);
        assertTrue(joined.getBoolean("member"));
        assertEquals(2, joined.getInt("member_count"));

        var members = api.get("/rooms/" + id + "/members", bob.token());
        assertEquals(200, members.status(), members::toString);
        assertEquals(
                List.of(alice.name(), bob.name()),
                members.array().stream()
                        .map(m -> m.asJsonObject().getString("username"))
                        .toList());
        assertEquals("owner", members.array().getJsonObject(0).getString("role"));
        assertEquals("member", members.array().getJsonObject(1).getString("role"));

        assertEquals(
                204, api.delete("/rooms/" + id + "/members/me", bob.token()).status());
        assertEquals(1, api.get("/rooms/" + id, alice.token()).json().getInt("member_count"));
        var post = api.post("/rooms/" + id + "/messages", "{\"content\":\"after leaving\"}", bob.token());
        assertEquals(403, post.status(), post::toString);
    }

    @Test
    void privateRoomsAreInvisibleToOutsiders() {
        long id = api.post("/rooms", "{\"name\":\"Secret\",\"visibility\":\"private\"}", alice.token())
                .json()
                .getJsonNumber("id")
                .longValue();

        assertEquals(404, api.get("/rooms/" + id, bob.token()).status());
        assertEquals(404, api.get("/rooms/" + id + "/members", bob.token()).status());
        assertEquals(404, api.get("/rooms/" + id + "/messages", bob.token()).status());
        assertEquals(404, api.put("/rooms/" + id + "/members/me", bob.token()).status());
        var post = api.post("/rooms/" + id + "/messages", "{\"content\":\"let me in\"}", bob.token());
        assertEquals(404, post.status(), post::toString);
        assertEquals("application/problem+json", post.contentType());
        assertTrue(api.get("/rooms", bob.token()).array().stream()
                .noneMatch(r -> r.asJsonObject().getJsonNumber("id").longValue() == id));

        // only the owner adds members
        var byBob = api.post("/rooms/" + id + "/members", "{\"username\":\"" + bob.name() + "\"}", bob.token());
        assertEquals(404, byBob.status(), byBob::toString);
        var added = api.post("/rooms/" + id + "/members", "{\"username\":\"" + bob.name() + "\"}", alice.token());
        assertEquals(201, added.status(), added::toString);
        assertEquals(bob.name(), added.json().getString("username"));
        assertEquals(
                200,
                api.post("/rooms/" + id + "/members", "{\"username\":\"" + bob.name() + "\"}", alice.token())
                        .status());
        assertEquals("private", api.get("/rooms/" + id, bob.token()).json().getString("visibility"));
        assertEquals(
                201,
                api.post("/rooms/" + id + "/messages", "{\"content\":\"now I am in\"}", bob.token())
                        .status());

        Users.User carol = Users.create(api, "carol");
        var notOwner = api.post("/rooms/" + id + "/members", "{\"username\":\"" + carol.name() + "\"}", bob.token());
        assertEquals(403, notOwner.status(), notOwner::toString);
        var unknownUser = api.post(
                "/rooms/" + id + "/members", "{\"username\":\"" + Users.unique("ghost") + "\"}", alice.token());
        assertEquals(404, unknownUser.status(), unknownUser::toString);
    }

    @Test
    void nonMembersMayNotPostAndNothingIsStored() {
        long id = api.post("/rooms", "{\"name\":\"Members only\"}", alice.token())
                .json()
                .getJsonNumber("id")
                .longValue();
        var refused = api.post("/rooms/" + id + "/messages", "{\"content\":\"drive-by\"}", bob.token());
        assertEquals(403, refused.status(), refused::toString);
        assertEquals("application/problem+json", refused.contentType());
        var history = api.get("/rooms/" + id + "/messages", alice.token());
        assertEquals(0, history.json().getJsonArray("messages").size(), history::toString);
        assertEquals(0, api.get("/rooms/" + id, alice.token()).json().getInt("last_seq"));
        assertEquals(403, api.get("/rooms/" + id + "/messages", bob.token()).status(), "reading needs membership too");
    }

    @Test
    void roomInputIsChecked() {
        assertEquals(400, api.post("/rooms", "{\"name\":\"  \"}", alice.token()).status());
        assertEquals(
                400,
                api.post("/rooms", "{\"name\":\"x\",\"visibility\":\"secret\"}", alice.token())
                        .status());
        assertEquals(
                400, api.post("/rooms", "{\"name\":[\"x\"]}", alice.token()).status());
        assertEquals(404, api.get("/rooms/99999999", alice.token()).status());
        assertEquals(404, api.get("/rooms/not-a-number", alice.token()).status());
        var leaveUnknown = api.delete("/rooms/99999999/members/me", alice.token());
        assertEquals(404, leaveUnknown.status(), leaveUnknown::toString);
        assertEquals("application/problem+json", leaveUnknown.contentType());
    }

    @Test
    void anOwnerWhoLeavesHandsTheRoomOn() {
        long id = api.post("/rooms", "{\"name\":\"Handover\"}", alice.token())
                .json()
                .getJsonNumber("id")
                .longValue();
        api.put("/rooms/" + id + "/members/me", bob.token());
        api.delete("/rooms/" + id + "/members/me", alice.token());
        var members = api.get("/rooms/" + id + "/members", bob.token()).array();
        assertEquals(1, members.size());
        assertEquals("owner", members.getJsonObject(0).getString("role"));
        assertEquals(
                bob.id(),
                api.get("/rooms/" + id, bob.token())
                        .json()
                        .getJsonNumber("owner_id")
                        .longValue());
    }

    static JsonObject find(Api.Reply rooms, long id) {
        assertEquals(200, rooms.status(), rooms::toString);
        return rooms.array().stream()
                .map(v -> v.asJsonObject())
                .filter(r -> r.getJsonNumber("id").longValue() == id)
                .findFirst()
                .orElseThrow(() -> new AssertionError("room " + id + " not listed: " + rooms));
    }
}
