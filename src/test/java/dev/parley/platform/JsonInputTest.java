package dev.parley.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.parley.platform.boundary.JsonInput;
import dev.parley.platform.control.Refusal;
import dev.parley.platform.entity.FieldError;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonInputTest {

    @Test
    void readsWellTypedFields() {
        JsonInput input = JsonInput.parse("{\"name\":\"General\",\"since\":41}");
        assertEquals("General", input.string("name", 1, 100, true));
        assertEquals(41L, input.number("since", true));
        assertEquals(null, input.string("topic", 0, 10, false));
        input.validate();
    }

    @Test
    void namesEveryFieldAtFault() {
        JsonInput input = JsonInput.parse("{\"name\":7,\"topic\":\"" + "t".repeat(11) + "\",\"blank\":\" \",\"since\":-1}");
        input.string("name", 1, 100, true);
        input.string("topic", 0, 10, false);
        input.string("blank", 1, 10, true);
        input.string("missing", 1, 10, true);
        input.number("since", false);
        Refusal refusal = assertThrows(Refusal.class, input::validate);
        assertEquals(400, refusal.status());
        assertEquals(List.of("name", "topic", "blank", "missing", "since"),
                refusal.problem().errors().stream().map(FieldError::field).toList());
    }

    @Test
    void refusesWhatIsNotAJsonObject() {
        for (String body : new String[] {"", "  ", "[1]", "\"text\"", "{\"a\":", "{\"a\":1} trailing", "nope"}) {
            Refusal refusal = assertThrows(Refusal.class, () -> JsonInput.parse(body), body);
            assertEquals(400, refusal.status(), body);
        }
    }

    @Test
    void numbersMustBeWholeAndInRange() {
        for (String value : new String[] {"1.5", "\"3\"", "true", "99999999999999999999"}) {
            JsonInput input = JsonInput.parse("{\"seq\":" + value + "}");
            input.number("seq", true);
            assertThrows(Refusal.class, input::validate, value);
        }
    }
}
