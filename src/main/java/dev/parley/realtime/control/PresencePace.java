package dev.parley.realtime.control;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Paces one room's presence announcements by each user's allowance. An arrival or departure
 * within the allowance is announced at once; past it the user is unsettled: further changes are
 * not announced, and a later settle announces the user's state then, once, if it is not what the
 * subscribers last heard. A user who flaps costs the room at most their allowance, and the room
 * still ends up hearing where they are. Guarded by its room channel's lock.
 */
final class PresencePace {

    private final Predicate<String> allowance;
    // unsettled users: what the subscribers last heard of them (true: present)
    private final Map<String, Boolean> heard = new LinkedHashMap<>();

    PresencePace(Predicate<String> allowance) {
        this.allowance = allowance;
    }

    /** The user's presence became {@code present}; true when that is to be announced now. */
    boolean announceNow(String username, boolean present) {
        if (heard.containsKey(username)) {
            return false;
        }
        if (allowance.test(username)) {
            return true;
        }
        heard.put(username, !present);
        return false;
    }

    boolean unsettled() {
        return !heard.isEmpty();
    }

    /**
     * The unsettled users whose state, by {@code present}, differs from what was last heard and
     * who may be announced now; those, and the ones back where they were heard, are settled.
     */
    List<String> settle(Predicate<String> present) {
        List<String> due = new ArrayList<>();
        for (Iterator<Map.Entry<String, Boolean>> it = heard.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Boolean> user = it.next();
            if (present.test(user.getKey()) == user.getValue()) {
                it.remove();
            } else if (allowance.test(user.getKey())) {
                due.add(user.getKey());
                it.remove();
            }
        }
        return due;
    }
}
