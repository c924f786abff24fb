package dev.parley.messages.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.accounts.entity.User;
import dev.parley.messages.entity.ChatMessage;
import dev.parley.messages.entity.Draft;
import dev.parley.messages.entity.Posted;
import dev.parley.platform.control.DeliveryLag;
import dev.parley.platform.control.Meters;
import dev.parley.platform.control.Refusal;
import dev.parley.support.DaemonThreads;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The committer without a container: batching, outcomes per sender, and the retry of a failed batch. */
class GroupCommitTest {

    private final List<List<SendBatch.Send>> batches = new CopyOnWriteArrayList<>();
    private final List<String> alone = new CopyOnWriteArrayList<>();
    private final ExecutorService senders = Executors.newFixedThreadPool(8);
    private final AtomicLong lagMillis = new AtomicLong();
    private final Meters meters = new Meters();
    private final DeliveryLag deliveryLag = new DeliveryLag(Duration.ofSeconds(2), meters);
    private GroupCommit commit;

    GroupCommitTest() {
        meters.measure(Meters.Level.DELIVERY_LAG, lagMillis::get);
    }

    @AfterEach
    void stop() {
        senders.shutdownNow();
        if (commit != null) {
            commit.stop();
        }
    }

    @Test
    void sendsWaitingTogetherShareABatchAndEachGetsItsOwnOutcome() throws Exception {
        CountDownLatch firstBatchHeld = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        commit = committer(sends -> {
            if (batches.size() == 1) {
                firstBatchHeld.countDown();
                await(release);
            }
            return sends.stream()
                    .map(s -> s.draft().content().startsWith("no")
                            ? new SendBatch.Outcome(null, Refusal.notMember(s.roomId()))
                            : new SendBatch.Outcome(posted(s), null))
                    .toList();
        });

        Future<Posted> first = senders.submit(() -> commit.post(null, 1, new Draft("first", null, null)));
        assertTrue(firstBatchHeld.await(10, TimeUnit.SECONDS), "the first send is being committed");
        List<Future<Posted>> later = List.of(
                senders.submit(() -> commit.post(null, 2, new Draft("a", null, null))),
                senders.submit(() -> commit.post(null, 3, new Draft("no entry", null, null))),
                senders.submit(() -> commit.post(null, 4, new Draft("b", null, null))));
        Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> commit.waiting() == 3);
        release.countDown();

        assertEquals("first", first.get(10, TimeUnit.SECONDS).message().content());
        assertEquals("a", later.get(0).get(10, TimeUnit.SECONDS).message().content());
        var refused = assertThrows(Exception.class, () -> later.get(1).get(10, TimeUnit.SECONDS));
        assertEquals("not_member", ((Refusal) refused.getCause()).code(), "the refusal reaches its own sender");
        assertEquals("b", later.get(2).get(10, TimeUnit.SECONDS).message().content());
        assertEquals(List.of(1, 3), batches.stream().map(List::size).toList(), "the three that waited went together");
    }

    @Test
    void aRoomWhoseBatchWaitsHoldsUpOnlyItsOwnCommitterAndKeepsItsOrder() throws Exception {
        CountDownLatch roomTwoHeld = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        List<String> stored = new CopyOnWriteArrayList<>();
        commit = committer(2, sends -> {
            if (sends.get(0).draft().content().equals("2:first")) {
                roomTwoHeld.countDown();
                await(release);
            }
            sends.forEach(s -> stored.add(s.draft().content()));
            return sends.stream()
                    .map(s -> new SendBatch.Outcome(posted(s), null))
                    .toList();
        });

        Future<Posted> held = senders.submit(() -> commit.post(null, 2, new Draft("2:first", null, null)));
        assertTrue(roomTwoHeld.await(10, TimeUnit.SECONDS), "room 2's batch is in the database");
        // one at a time: two senders on two threads may reach the line in either order
        Future<Posted> second = senders.submit(() -> commit.post(null, 4, new Draft("4:second", null, null)));
        Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> commit.waiting() == 1);
        Future<Posted> third = senders.submit(() -> commit.post(null, 2, new Draft("2:third", null, null)));
        Awaitility.await().atMost(10, TimeUnit.SECONDS).until(() -> commit.waiting() == 2);
        List<Future<Posted>> roomTwo = List.of(second, third);
        assertEquals(
                "1:other",
                senders.submit(() -> commit.post(null, 1, new Draft("1:other", null, null)))
                        .get(10, TimeUnit.SECONDS)
                        .message()
                        .content(),
                "an odd room is committed while an even one waits");
        release.countDown();

        assertEquals("2:first", held.get(10, TimeUnit.SECONDS).message().content());
        for (Future<Posted> later : roomTwo) {
            later.get(10, TimeUnit.SECONDS);
        }
        assertEquals(List.of("1:other", "2:first", "4:second", "2:third"), stored, "each committer keeps its order");
    }

    @Test
    void aBatchThatFailsIsTriedSendBySend() throws Exception {
        List<String> tried = new CopyOnWriteArrayList<>();
        commit = committer(sends -> {
            // a batch of several fails every time, with the look-up too (a deadlock, say), and so
            // does every send's first try; a send tried again alone gets its answer
            if (sends.size() > 1 || !tried.contains(sends.get(0).draft().content())) {
                sends.forEach(s -> tried.add(s.draft().content()));
                throw new IllegalStateException("deadlock detected");
            }
            SendBatch.Send send = sends.get(0);
            alone.add(send.draft().content());
            return List.of(
                    send.draft().content().equals("gone")
                            ? new SendBatch.Outcome(null, Refusal.conflict("gone"))
                            : new SendBatch.Outcome(posted(send), null));
        });
        Future<Posted> kept = senders.submit(() -> commit.post(null, 1, new Draft("kept", null, null)));
        Future<Posted> refused = senders.submit(() -> commit.post(null, 1, new Draft("gone", null, null)));

        assertEquals("kept", kept.get(10, TimeUnit.SECONDS).message().content());
        var failure = assertThrows(Exception.class, () -> refused.get(10, TimeUnit.SECONDS));
        assertEquals("conflict", ((Refusal) failure.getCause()).code());
        assertEquals(List.of("gone", "kept"), alone.stream().sorted().toList(), "each send was tried on its own");
    }

    @Test
    void aBatchThatBreaksTheIndexIsStoredAgainWithTheLookUpAndTheNextOnesLookFirst() {
        List<Boolean> seeks = new CopyOnWriteArrayList<>();
        commit = committer((sends, seekRepeats) -> {
            seeks.add(seekRepeats);
            // what the database does when a send repeats a message it holds and no one looked
            if (!seekRepeats && sends.get(0).draft().clientId() != null) {
                throw new IllegalStateException("duplicate key value violates unique constraint");
            }
            return sends.stream()
                    .map(s -> new SendBatch.Outcome(posted(s), null))
                    .toList();
        });

        assertEquals(
                "first",
                commit.post(null, 1, new Draft("first", null, null)).message().content());
        assertEquals(
                "again",
                commit.post(null, 1, new Draft("again", "c-1", null)).message().content());
        assertEquals(
                "later",
                commit.post(null, 1, new Draft("later", null, null)).message().content());
        assertEquals(
                List.of(false, false, true, true),
                seeks,
                "no look-up until a batch failed; then at once and for the batches after it");
        assertEquals(
                List.of("first", "again", "again", "later"),
                batches.stream()
                        .flatMap(b -> b.stream().map(s -> s.draft().content()))
                        .toList(),
                "the failed batch was tried once more, whole, and nothing else twice");
    }

    @Test
    void aSendRefusedBeforeTheBatchNeverReachesIt() {
        commit = committer(sends -> List.of());
        commit.messages = new Messages() {
            @Override
            public void admit(User sender, Draft draft) {
                throw Refusal.rateLimited(3);
            }
        };
        var refusal = assertThrows(Refusal.class, () -> commit.post(null, 1, new Draft("x", null, null)));
        assertEquals("rate_limited", refusal.code());
        assertEquals(List.of(), batches);
    }

    /** A batch's store, told whether it looks up earlier client_ids first. */
    private interface Store {
        List<SendBatch.Outcome> apply(List<SendBatch.Send> sends, boolean seekRepeats);
    }

    @Test
    void noBatchIsStoredWhileLiveDeliveryIsBehindAndTheSendGoesOnWhenItCatchesUp() throws Exception {
        lagMillis.set(3_000);
        commit = committer(sends ->
                sends.stream().map(s -> new SendBatch.Outcome(posted(s), null)).toList());
        CompletableFuture<Posted> sent = commit.submit(null, 1, new Draft("while behind", null, null));
        Awaitility.await()
                .during(Duration.ofMillis(300))
                .atMost(Duration.ofSeconds(2))
                .until(() -> batches.isEmpty() && !sent.isDone());

        lagMillis.set(1_900);

        assertEquals("while behind", sent.get(5, TimeUnit.SECONDS).message().content());
        assertEquals(1, batches.size());
    }

    private GroupCommit committer(Function<List<SendBatch.Send>, List<SendBatch.Outcome>> store) {
        return committer(1, (sends, seekRepeats) -> store.apply(sends));
    }

    private GroupCommit committer(Store store) {
        return committer(1, store);
    }

    private GroupCommit committer(int committers, Function<List<SendBatch.Send>, List<SendBatch.Outcome>> store) {
        return committer(committers, (sends, seekRepeats) -> store.apply(sends));
    }

    private GroupCommit committer(int committers, Store store) {
        GroupCommit committer = new GroupCommit();
        committer.maxBatch = 32;
        committer.committerCount = committers;
        committer.threads = new DaemonThreads("committer");
        committer.deliveryLag = deliveryLag;
        committer.batches = new SendBatch() {
            @Override
            public List<Outcome> store(List<Send> sends, boolean seekRepeats) {
                batches.add(List.copyOf(sends));
                return store.apply(sends, seekRepeats);
            }
        };
        committer.messages = new Messages() {
            @Override
            public void admit(User sender, Draft draft) {}
        };
        committer.start();
        return committer;
    }

    private static final AtomicInteger IDS = new AtomicInteger();

    private static Posted posted(SendBatch.Send send) {
        int id = IDS.incrementAndGet();
        return new Posted(
                new ChatMessage(
                        id,
                        send.roomId(),
                        id,
                        1,
                        "u",
                        "U",
                        send.draft().content(),
                        "text",
                        null,
                        Instant.EPOCH,
                        null,
                        false,
                        null),
                false);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
