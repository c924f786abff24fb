package dev.parley.rooms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.support.Api;
import dev.parley.support.MicroProcess;
import dev.parley.support.Posting;
import dev.parley.support.RestCalls;
import dev.parley.support.TestDatabase;
import dev.parley.support.Users.User;
import jakarta.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One account making public rooms as fast as it can, against a server with the shipped room
 * limits (the Arquillian servers raise them: the suite's users make rooms faster than people). Every
 * public room was listed to every user, so a flood decided the size of everyone's GET /rooms, and
 * past 65,535 public rooms broke it on PostgreSQL: 500 for every user (one IN list of every listed
 * room, over the driver's limit on parameters).
 */
@ExtendWith(TestDatabase.class)
class RoomFloodIT {

    /** The shipped parley.ratelimit.rooms.capacity. */
    static final int BURST = 30;

    static final int LISTED = 5;

    @Test
    void aRoomFloodIsRateLimitedAndDoesNotFillOtherUsersLists() throws Exception {
        Path build = Path.of(System.getProperty("parley.build.dir", "target"));
        Path data = Files.createTempDirectory(build, "room-flood-data");
        List<String> options = List.of(
                "-Dparley.ratelimit.rooms.capacity=" + BURST,
                "-Dparley.ratelimit.rooms.per-second=0.5",
                "-Dparley.rooms.max-listed=" + LISTED);
        try (MicroProcess server = MicroProcess.start(data, build.resolve("room-flood-it.log"), options)) {
            Api api = server.api();
            RestCalls rest = new RestCalls(api);
            List<User> users = RestCalls.register(api, "owner", "flooder", "reader");
            User owner = users.get(0);
            User flooder = users.get(1);
            User reader = users.get(2);
            long ownersRoom = rest.publicRoom(owner);

            List<Long> made = new ArrayList<>();
            Api.Reply refused = null;
            for (int n = 0; n < 3 * BURST && refused == null; n++) {
                Api.Reply reply = api.post("/rooms", "{\"name\":\"flood " + n + "\"}", flooder.token());
                if (reply.status() == 201) {
                    made.add(reply.json().getJsonNumber("id").longValue());
                } else {
                    refused = reply;
                }
            }
            assertNotNull(refused, "no 429 within " + 3 * BURST + " rooms");
            Posting.assertRateLimited(refused);
            assertTrue(made.size() >= BURST, "the burst of " + BURST + " got through first: " + made.size());
            // joining is a room change too, and spends the same allowance; sending does not
            Posting.assertRateLimited(api.put("/rooms/" + ownersRoom + "/members/me", flooder.token()));
            assertEquals(
                    201,
                    Posting.attempt(api, flooder, made.get(0), "still talking", "t-1")
                            .status());

            // a user in none of them sees only the newest public rooms, oldest first
            List<JsonObject> readers = rest.rooms(reader);
            assertEquals(
                    made.subList(made.size() - LISTED, made.size()),
                    readers.stream().map(r -> r.getJsonNumber("id").longValue()).toList(),
                    readers::toString);
            assertTrue(readers.stream().noneMatch(r -> r.getBoolean("member")), readers::toString);

            // the flooder's own rooms are all listed, past the bound, with the owner's public one
            List<Long> flooders = rest.rooms(flooder).stream()
                    .map(r -> r.getJsonNumber("id").longValue())
                    .toList();
            List<Long> expected = new ArrayList<>(made);
            expected.add(0, ownersRoom);
            assertEquals(expected, flooders);
        }
    }
}
