package dev.parley.messages;

import dev.parley.messages.entity.MessagePosted;
import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.TransactionPhase;
import jakarta.transaction.Status;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Test-only observer, deployed by SendPathIT: records what AFTER_SUCCESS observers get. */
@ApplicationScoped
public class PostedRecorder {

    private final List<MessagePosted> seen = new CopyOnWriteArrayList<>();
    private volatile boolean committedWhenSeen = true;

    @Resource
    TransactionSynchronizationRegistry transactions;

    void record(@Observes(during = TransactionPhase.AFTER_SUCCESS) MessagePosted event) {
        int status = transactions.getTransactionStatus();
        committedWhenSeen &= status == Status.STATUS_COMMITTED || status == Status.STATUS_NO_TRANSACTION;
        seen.add(event);
    }

    public List<MessagePosted> seen(long room) {
        return seen.stream().filter(e -> e.message().roomId() == room).toList();
    }

    public boolean committedWhenSeen() {
        return committedWhenSeen;
    }
}
