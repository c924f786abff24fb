package dev.parley.realtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.support.Api;
import dev.parley.support.MicroProcess;
import dev.parley.support.Posting;
import dev.parley.support.RestCalls;
import dev.parley.support.ResumingReader;
import dev.parley.support.SubscribeStyle;
import dev.parley.support.Subscribed;
import dev.parley.support.TestDatabase;
import dev.parley.support.Users;
import dev.parley.support.Users.User;
import jakarta.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Stops a server (SIGTERM, as an operator would) under open sockets: each one is told 1001,
 * going away. A message posted right before the stop is not lost: a client resuming with
 * {@code since} on the next server (same data folder) gets it.
 */
@ExtendWith(TestDatabase.class)
class ShutdownIT {

    static final Duration WAIT = Duration.ofSeconds(30);
    private static final System.Logger LOG = System.getLogger(ShutdownIT.class.getName());

    @Test
    void everySocketHearsGoingAwayAndAResumeOnTheNextServerMissesNothing() throws Exception {
        Path build = Path.of(System.getProperty("parley.build.dir", "target"));
        Path data = Files.createTempDirectory(build, "shutdown-data");
        Path log = build.resolve("shutdown-it.log");
        User alice;
        long room;
        JsonObject lastWord;
        Map<SubscribeStyle, Long> heldBeforeTheStop = new EnumMap<>(SubscribeStyle.class);
        try (MicroProcess first = MicroProcess.start(data, log)) {
            Api api = first.api();
            alice = Users.create(api, "shutdown");
            room = RestCalls.createRoom(api, alice, "{\"name\":\"Going away\"}", List.of());
            JsonObject firstWord =
                    Posting.post(api, alice, room, "before the sockets", "sd-1").message();
            assertEquals(1, firstWord.getInt("seq"), firstWord::toString);

            // one socket per way of following a room, each resuming from 0: seq 1 is replayed
            List<ResumingReader> readers = new ArrayList<>();
            for (SubscribeStyle style : SubscribeStyle.values()) {
                ResumingReader reader =
                        new ResumingReader(api, room, alice, style + " on the first server").startingAfter(0);
                Subscribed subscribed = reader.connect(style);
                assertTrue(subscribed.recovered() && subscribed.replayed() == 1, subscribed::toString);
                reader.readThrough(1, WAIT);
                readers.add(reader);
            }

            lastWord = Posting.post(api, alice, room, "right before the stop", "sd-2")
                    .message();
            assertEquals(2, lastWord.getInt("seq"), lastWord::toString);
            int exit = first.stop();
            LOG.log(System.Logger.Level.INFO, "the first server exited with " + exit);

            for (int i = 0; i < readers.size(); i++) {
                ResumingReader reader = readers.get(i);
                assertEquals(1001, reader.awaitServerClose(WAIT), reader.label() + ": the close code at shutdown");
                heldBeforeTheStop.put(SubscribeStyle.values()[i], reader.lastSeq());
            }
        }

        try (MicroProcess second = MicroProcess.start(data, log)) {
            Api api = second.api();
            // each socket resumes where it stood (seq 1, or 2 if the last message beat the stop)
            for (var held : heldBeforeTheStop.entrySet()) {
                try (ResumingReader reader = new ResumingReader(
                                api, room, alice, held.getKey() + " on the second server")
                        .startingAfter(held.getValue())) {
                    Subscribed subscribed = reader.connect(held.getKey());
                    assertEquals(2, subscribed.lastSeq(), subscribed::toString);
                    reader.readThrough(2, WAIT);
                    reader.assertCaughtUp();
                    assertEquals(held.getValue() == 2 ? List.of() : List.of(2L), reader.seqs());
                }
            }
            // and one that certainly missed it: the message from right before the stop is replayed
            try (ResumingReader reader =
                    new ResumingReader(api, room, alice, "resuming after seq 1").startingAfter(1)) {
                Subscribed subscribed = reader.connect(SubscribeStyle.ROOM_PATH);
                assertEquals(2, subscribed.lastSeq(), subscribed::toString);
                assertTrue(subscribed.recovered(), subscribed::toString);
                assertEquals(1, subscribed.replayed(), subscribed::toString);
                reader.readThrough(2, WAIT);
                reader.assertCaughtUp();
                RestCalls.assertSameMessage(lastWord, reader.messages().get(0));
                assertEquals(1, reader.replayed(), "it came as a replay");
            }
            LOG.log(
                    System.Logger.Level.INFO,
                    "before the stop the sockets held up to " + heldBeforeTheStop
                            + "; after the restart each resumed to seq 2");
        }
    }
}
