package dev.parley.assistant.control;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MentionsTest {

    @Test
    void aMentionAsAWordOfItsOwnAsks() {
        for (String text : new String[] {
            "@assistant",
            "@assistant what is 2+2?",
            "hey @Assistant, help",
            "ask (@ASSISTANT)",
            "thanks @assistant.",
            "line one\n@assistant?"
        }) {
            assertTrue(Mentions.assistantIn(text), text);
        }
    }

    @Test
    void theNameInsideSomethingElseDoesNot() {
        for (String text : new String[] {
            "assistant, help", "@assistants", "@assistant_bot", "mail me@assistant.org", "x@assistant", "@assistant.org"
        }) {
            assertFalse(Mentions.assistantIn(text), text);
        }
        assertFalse(Mentions.assistantIn(null));
    }
}
