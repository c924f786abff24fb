package dev.parley.webclient;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.support.Api;
import dev.parley.support.Browsers;
import dev.parley.support.ChatPage;
import dev.parley.support.Deployments;
import dev.parley.support.ParleyTest;
import dev.parley.support.RestCalls;
import dev.parley.support.StubModelServer;
import dev.parley.support.Users;
import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.IntStream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;

/**
 * The web client in two real headless Chromium browsers against a real server: alice and bob
 * sign up through the page, meet in one room and chat; then bob's connection is cut in the ways
 * a phone's would be. The browsers and the room are shared by the tests, in order, as one
 * conversation (each browser and server costs seconds to start on two cores).
 */
@ExtendWith(Browsers.class)
@ParleyTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebClientIT {

    static ChatPage alice;
    static ChatPage bob;
    static String room;
    static Users.User carol;
    static long historyRoom;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.parley();
    }

    @ArquillianResource
    URL url;

    @BeforeEach
    void browsers() {
        if (alice == null) {
            URI page = URI.create(new Api(url).base() + "/");
            alice = new ChatPage(page, 1100, 760);
            bob = new ChatPage(page, 1100, 760);
        }
    }

    @AfterEach
    void noScriptErrors() {
        assertEquals(List.of(), alice.consoleErrors(), "alice's console");
        assertEquals(List.of(), bob.consoleErrors(), "bob's console");
    }

    @AfterAll
    static void close() {
        for (ChatPage page : new ChatPage[] {alice, bob}) {
            if (page != null) {
                page.close();
            }
        }
        alice = bob = null;
    }

    @Test
    @Order(1)
    void twoBrowsersSignUpMeetInARoomAndChatBothWays() throws IOException {
        alice.signUp(Users.unique("alice"), Users.PASSWORD);
        bob.signUp(Users.unique("bob"), Users.PASSWORD);
        room = Users.unique("lobby");
        alice.createRoom(room);
        assertEquals("1 member", bob.publicRoomCount(room));
        bob.joinPublicRoom(room);

        alice.send("Hello from alice");
        bob.awaitMessage("Hello from alice");
        bob.send("Hi alice, bob here");
        alice.awaitMessage("Hi alice, bob here");
        assertEquals(List.of("Hello from alice", "Hi alice, bob here"), alice.messages());
        assertEquals(alice.messages(), bob.messages());

        String aliceName = alice.driver().findElement(By.id("who")).getText();
        String bobName = bob.driver().findElement(By.id("who")).getText();
        alice.await("bob online for alice", d -> alice.online().contains(bobName));
        bob.await("alice online for bob", d -> bob.online().contains(aliceName));

        bob.field("Message").sendKeys("bob is writing something");
        alice.await("bob typing", d -> alice.typing().equals(bobName + " is typing…"));
        alice.field("Message").sendKeys("and so is alice");
        bob.await("alice typing", d -> bob.typing().equals(aliceName + " is typing…"));
        bob.button("Send").click();
        alice.awaitMessage("bob is writing something");
        alice.button("Send").click();
        bob.awaitMessage("and so is alice");

        alice.await("bob's read marker", d -> alice.texts("#messages .seen").contains("Seen by " + bobName));
        Path shot = Path.of(System.getProperty("parley.build.dir", "target"), "webclient-chat.png");
        Files.write(shot, alice.screenshot());
    }

    @Test
    @Order(2)
    void theFieldsAndTheLogHaveAccessibleNames() {
        assertEquals("Message", alice.field("Message").getAccessibleName());
        assertEquals("Send", alice.button("Send").getAccessibleName());
        assertEquals("log", alice.driver().findElement(By.id("messages")).getAttribute("role"));
        String url = (String) alice.script("return location.href");
        assertTrue(!url.contains("token"), "the token stays out of the page URL: " + url);
    }

    @Test
    @Order(3)
    void aCutSocketShowsReconnectingThenExactlyTheMissedMessagesInOrder() {
        bob.networkLost();
        bob.awaitState("Reconnecting");
        List<String> burst =
                IntStream.rangeClosed(1, 20).mapToObj(i -> "burst " + i).toList();
        burst.forEach(alice::send);
        alice.await(
                "alice's 20 stored",
                d -> alice.messages().containsAll(burst) && alice.pending().isEmpty());
        assertTrue(bob.messages().stream().noneMatch(burst::contains), "bob was offline: " + bob.messages());

        bob.networkBack();
        bob.awaitState("Online");
        bob.await("the 20 at bob", d -> bob.messages().containsAll(burst));
        assertEquals(
                burst,
                bob.messages().stream().filter(m -> m.startsWith("burst ")).toList());
        assertEquals(alice.messages(), bob.messages());

        // the same after the socket itself is closed under the page: it reconnects on its own
        bob.script("window.parley.dropSocket()");
        bob.awaitState("Reconnecting");
        bob.awaitState("Online");
        alice.send("after the drop");
        bob.awaitMessage("after the drop");
        assertEquals(alice.messages(), bob.messages());
    }

    @Test
    @Order(4)
    void aMessageWrittenOfflineArrivesOnceAfterTheReconnect() {
        bob.networkLost();
        bob.awaitState("Reconnecting");
        bob.send("written offline");
        bob.await("shown as pending", d -> bob.pending().equals(List.of("written offline")));

        bob.networkBack();
        bob.awaitState("Online");
        alice.awaitMessage("written offline");
        bob.await(
                "no longer pending",
                d -> bob.pending().isEmpty() && bob.messages().contains("written offline"));
        assertEquals(
                1, alice.messages().stream().filter("written offline"::equals).count(), alice.messages()::toString);
        assertEquals(alice.messages(), bob.messages());
    }

    @Test
    @Order(5)
    void markupInAMessageIsShownAsText() {
        String markup =
                "<script>window.parleyRan = true</script><b>bold?</b><img src=x onerror=\"window.parleyRan = true\">";
        alice.send(markup);
        bob.awaitMessage(markup);
        assertTrue(bob.driver()
                .findElements(By.cssSelector("#messages b, #messages script, #messages img"))
                .isEmpty());
        assertNull(bob.script("return window.parleyRan"));
        assertNull(alice.script("return window.parleyRan"));
    }

    @Test
    @Order(6)
    void olderPagesComeInWhenScrollingUp() {
        Api api = new Api(url);
        carol = Users.create(api, "carol");
        String history = Users.unique("history");
        var created = api.post("/rooms", "{\"name\":\"" + history + "\"}", carol.token());
        assertEquals(201, created.status(), created::toString);
        historyRoom = created.json().getJsonNumber("id").longValue();
        List<String> written =
                IntStream.rangeClosed(1, 120).mapToObj(i -> "old " + i).toList();
        written.forEach(content -> postAsCarol(api, content));

        bob.joinPublicRoom(history);
        bob.await("the latest page", d -> bob.messages().equals(written.subList(70, 120)));
        bob.await("every older page", d -> {
            bob.script("document.getElementById('messages').scrollTop = 0");
            return bob.messages().size() == written.size();
        });
        assertEquals(written, bob.messages());
    }

    @Test
    @Order(7)
    void anOutageLongerThanTheReplayIsPagedInThroughRest() {
        // the test server replays at most 120 missed messages (parley.recovery.max-messages)
        Api api = new Api(url);
        bob.networkLost();
        bob.awaitState("Reconnecting");
        List<String> missed =
                IntStream.rangeClosed(1, 130).mapToObj(i -> "missed " + i).toList();
        missed.forEach(content -> postAsCarol(api, content));
        bob.networkBack();
        bob.awaitState("Online");
        bob.await("the 130 at bob", d -> bob.messages().containsAll(missed));
        List<String> all = new ArrayList<>(
                IntStream.rangeClosed(1, 120).mapToObj(i -> "old " + i).toList());
        all.addAll(missed);
        assertEquals(all, bob.messages());
    }

    private static void postAsCarol(Api api, String content) {
        var posted =
                api.post("/rooms/" + historyRoom + "/messages", "{\"content\":\"" + content + "\"}", carol.token());
        assertEquals(201, posted.status(), posted::toString);
    }

    /**
     * A display name is anyone's to choose, so a message showed only the name: anyone could post
     * as "carol". The sender's username shows beside a display name that differs from it.
     */
    @Test
    @Order(8)
    void aBorrowedDisplayNameShowsWhoReallySentIt() {
        Api api = new Api(url);
        Users.User mallory = RestCalls.registerNamed(api, "mallory", carol.name());
        assertEquals(
                204,
                api.put("/rooms/" + historyRoom + "/members/me", mallory.token())
                        .status());
        var posted = api.post("/rooms/" + historyRoom + "/messages", "{\"content\":\"trust me\"}", mallory.token());
        assertEquals(201, posted.status(), posted::toString);
        postAsCarol(api, "the real one");

        bob.awaitMessage("the real one");
        assertEquals(List.of(carol.name() + " @" + mallory.name()), bob.senders("trust me"));
        assertEquals(List.of(carol.name()), bob.senders("the real one"));
    }

    @Test
    @Order(9)
    void ownMessagesCanBeEditedAndDeleted() {
        bob.openRoom(room);
        bob.send("a mesage with a typo");
        alice.awaitMessage("a mesage with a typo");
        bob.await("stored", d -> bob.messages().contains("a mesage with a typo"));
        String own = "//li[@data-seq][p[contains(@class,'content') and text()='%s']]";
        By edit = By.xpath(own.formatted("a mesage with a typo") + "//button[text()='Edit']");
        bob.await("the edit form", d -> {
            if (d.findElements(By.id("edit-input")).isEmpty()) {
                d.findElement(edit).click();
            }
            return !d.findElements(By.id("edit-input")).isEmpty();
        });
        bob.field("Edit message").clear();
        bob.field("Edit message").sendKeys("a message without a typo");
        bob.button("Save").click();
        alice.awaitMessage("a message without a typo");
        assertEquals(
                "(edited)",
                alice.driver()
                        .findElement(By.xpath(own.formatted("a message without a typo") + "//span[@class='edited']"))
                        .getText());
        assertTrue(!alice.messages().contains("a mesage with a typo"));

        bob.click(By.xpath(own.formatted("a message without a typo") + "//button[text()='Delete']"));
        bob.driver().switchTo().alert().accept();
        alice.await(
                "the tombstone",
                d -> !alice.messages().contains("a message without a typo")
                        && alice.messages().get(alice.messages().size() - 1).equals("This message was deleted."));
        assertEquals(alice.messages(), bob.messages());
    }

    @Test
    @Order(10)
    void privateRoomsTakeMembersAndDirectConversationsStartByUsername() {
        String aliceName = alice.driver().findElement(By.id("who")).getText();
        String bobName = bob.driver().findElement(By.id("who")).getText();
        String secret = Users.unique("secret");
        alice.createRoom(secret, true);
        alice.field("Add member").sendKeys(bobName);
        alice.button("Add").click();
        bob.openRoom(secret);
        alice.send("only for bob");
        bob.awaitMessage("only for bob");

        int waitingBefore = waitingInTitle(alice);
        bob.unfold("Direct conversation");
        bob.field("Their username").sendKeys(aliceName);
        bob.field("First message").sendKeys("psst, alice");
        bob.button("Start conversation").click();
        bob.awaitRoomTitle("@" + aliceName);
        bob.awaitMessage("psst, alice");
        alice.await("an unread direct message", d -> alice.unread("@" + bobName) == 1);
        alice.await("the tab's title counts it", d -> waitingInTitle(alice) == waitingBefore + 1);
        alice.openRoom("@" + bobName);
        alice.awaitMessage("psst, alice");
        alice.await("read now", d -> alice.unread("@" + bobName) == 0);
        alice.await("the tab's title too", d -> waitingInTitle(alice) == waitingBefore);
    }

    /** The unread count in the tab's title: "(3) Parley", or "Parley" for none. */
    static int waitingInTitle(ChatPage page) {
        String title = page.driver().getTitle();
        return title.equals("Parley") ? 0 : Integer.parseInt(title.substring(1, title.indexOf(')')));
    }

    @Test
    @Order(11)
    void aRenewedTokenReachesTheOpenSocket() {
        String before = (String) alice.script("return sessionStorage.getItem('parley.session')");
        assertEquals(Boolean.TRUE, alice.script("return window.parley.renewToken()"));
        String after = (String) alice.script("return sessionStorage.getItem('parley.session')");
        assertTrue(!before.equals(after), "a new token in sessionStorage");
        String expiry = (String) alice.script("return window.parley.tokenExpiry()");
        alice.await(
                "the socket authenticated with it",
                d -> expiry.equals(alice.script("return window.parley.socketTokenExpiry()")));
        assertEquals("Online", alice.state());
        alice.send("still here after the renewal");
        bob.awaitMessage("still here after the renewal");
    }

    @Test
    @Order(12)
    void thePageFitsA360PixelScreen() {
        bob.driver().manage().window().setSize(new Dimension(360, 740));
        bob.await(
                "no sideways scrolling",
                d -> ((Number) bob.script("return document.documentElement.scrollWidth")).intValue() <= 360);
        assertTrue(bob.field("Message").isDisplayed());
        assertTrue(bob.button("Send").isDisplayed());
    }

    @Test
    @Order(13)
    void theAssistantsReplyShowsAsItStreamsThenAsTheSavedMessage() throws Exception {
        try (StubModelServer model = StubModelServer.start()) {
            CountDownLatch release = new CountDownLatch(1);
            model.next(StubModelServer.held(release, "The answer ", "is 42."));
            alice.unfold("Direct conversation");
            alice.field("Their username").sendKeys("assistant");
            alice.field("First message").sendKeys("what is the answer?");
            alice.button("Start conversation").click();
            alice.awaitRoomTitle("@assistant");
            alice.await("the reply so far", d -> alice.assistantReply().equals("Assistant: The answer …"));
            // a second question while the first streams is refused "busy"; the first reply still arrives whole
            alice.send("are you there?");
            alice.awaitMessage("are you there?");
            release.countDown();
            alice.awaitMessage("The answer is 42.");
            alice.await(
                    "the stream gone once the reply is saved",
                    d -> alice.assistantReply().isEmpty());

            model.next(StubModelServer.rateLimited(7));
            alice.send("and the question?");
            alice.await(
                    "why no answer came",
                    d -> alice.assistantReply().equals("Assistant could not answer (rate limited)."));
            assertEquals(
                    List.of("what is the answer?", "are you there?", "The answer is 42.", "and the question?"),
                    alice.messages());
        }
    }
}
