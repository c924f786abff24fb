package dev.parley.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.parley.platform.control.JsonInput;
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
        JsonInput input =
                JsonInput.parse("{\"name\":7,\"topic\":\"" + "t".repeat(11) + "\",\"blank\":\" \",\"since\":-1}");
        input.string("name", 1, 100, true);
        input.string("topic", 0, 10, false);
        input.string("blank", 1, 10, true);
        input.string("missing", 1, 10, true);
        input.number("since", false);
        Refusal refusal = assertThrows(Refusal.class, input::validate);
        assertEquals(400, refusal.status());
        assertEquals(
                List.of("name", "topic", "blank", "missing", "since"),
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

    @Test
    void malformedTextIsRefusedAsInvalidWithTheField() {
        for (String value : new String[] {"\\ud800", "a\\udc00", "nul\\u0000"}) {
            JsonInput input = JsonInput.parse("{\"content\":\"" + value + "\"}");
            input.string("content", 1, 4000, true);
            Refusal refusal = assertThrows(Refusal.class, input::validate, value);
            assertEquals("invalid", refusal.code());
            assertEquals("content", refusal.problem().errors().get(0).field());
        }
    }

    @Test
    void unicodeBlanksAreBlank() {
        JsonInput input = JsonInput.parse("{\"content\":\"\\u00a0\\u2003\\u3000\\u200b\"}");
        input.string("content", 1, 4000, true);
        assertEquals(
                "must not be blank",
                assertThrows(Refusal.class, input::validate)
                        .problem()
                        .errors()
                        .get(0)
                        .message());
    }

    @Test
    void deepNestingAndLongNumbersAreBadJsonEvenInUnknownFields() {
        String deep = "{\"a\":" + "[".repeat(1100) + "]".repeat(1100) + "}";
        String nine = "{\"type\":\"ping\",\"x\":{\"b\":[[[[[[[[1]]]]]]]]}}";
        String longNumber = "{\"username\":\"x\",\"n\":" + "1".repeat(1200) + "}";
        String longFraction = "{\"n\":0." + "0".repeat(40) + "1}";
        for (String body : new String[] {deep, nine, longNumber, longFraction}) {
            Refusal refusal = assertThrows(Refusal.class, () -> JsonInput.parse(body), body.substring(0, 30));
            assertEquals(400, refusal.status());
            assertEquals("bad_json", refusal.code());
        }
        // what a chat frame needs still passes: a little nesting, ordinary numbers
        JsonInput fine =
                JsonInput.parse("{\"type\":\"ping\",\"extra\":{\"a\":[1,2,{\"b\":null}]},\"seq\":9007199254740993}");
        assertEquals(9007199254740993L, fine.number("seq", true));
        fine.validate();
    }

    @Test
    void aNestedValueIsTheWrongTypeForAnyField() {
        JsonInput input = JsonInput.parse("{\"content\":{\"text\":\"hi\"},\"seq\":[1]}");
        input.string("content", 1, 10, true);
        input.number("seq", true);
        assertEquals(
                2,
                assertThrows(Refusal.class, input::validate).problem().errors().size());
    }
}
