package dev.parley.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.parley.platform.control.UnicodeText;
import org.junit.jupiter.api.Test;

class UnicodeTextTest {

    @Test
    void unpairedSurrogatesAndNulAreDefects() {
        for (String bad : new String[] {"\ud800", "a\udc00b", "x\ud83d", "\ude00\ud83d", "nul\u0000here"}) {
            assertNotNull(UnicodeText.defect(bad), bad);
        }
        for (String good : new String[] {"", "hello", "emoji \ud83d\ude00 ok", "tab\tand\nnewline", "\uffff"}) {
            assertNull(UnicodeText.defect(good), good);
        }
    }

    @Test
    void aNameIsOneLineWithoutControlOrOverrideCharacters() {
        for (String bad : new String[] {
            "two\nlines",
            "tab\there",
            "bell\u0007",
            "esc\u001b[31m",
            "del\u007f",
            "c1\u0085",
            "\u202enimda",
            "\u2066x\u2069"
        }) {
            assertNotNull(UnicodeText.nameDefect(bad), bad);
        }
        for (String good : new String[] {
            "Alice A.", "Zo\u00eb", "\u05e9\u05dc\u05d5\u05dd \u200fRTL", "emoji \ud83d\ude00", "caf\u0065\u0301"
        }) {
            assertNull(UnicodeText.nameDefect(good), good);
        }
    }

    @Test
    void blankMeansNothingAReaderWouldSee() {
        for (String blank : new String[] {
            "",
            " \t\n",
            "\u00a0",
            "\u2003\u3000",
            "\u200b",
            "\u200b\u200c\u200d\u2060\ufeff",
            "\u2800",
            "\u3164",
            "\u00ad",
            "\u202f\u2007"
        }) {
            assertTrue(
                    UnicodeText.isBlank(blank),
                    () -> "blank: "
                            + blank.codePoints().mapToObj(Integer::toHexString).toList());
        }
        for (String text : new String[] {"a", " a ", "\u00a0.", "\ud83d\ude00", "\u200bx"}) {
            assertFalse(UnicodeText.isBlank(text), text);
        }
    }

    @Test
    void storedMalformedTextIsSentWithTheReplacementCharacter() {
        assertEquals("a\ufffdb", UnicodeText.wellFormed("a\ud800b"));
        assertEquals("\ufffd\ufffd", UnicodeText.wellFormed("\ude00\ud83d"));
        String fine = "emoji \ud83d\ude00";
        assertTrue(fine == UnicodeText.wellFormed(fine), "well-formed text is passed through as it is");
    }
}
