package dev.parley.assistant.control;

import java.util.regex.Pattern;

/** Whether a message asks the assistant: {@code @assistant} as a word of its own, in any case. */
public final class Mentions {

    // not inside an e-mail address or a longer name (@assistant2, x@assistant.org), but before punctuation
    private static final Pattern ASSISTANT = Pattern.compile(
            "(?<![\\p{L}\\p{N}_@.+-])@assistant(?![\\p{L}\\p{N}_@-]|\\.[\\p{L}\\p{N}])", Pattern.CASE_INSENSITIVE);

    private Mentions() {}

    public static boolean assistantIn(String content) {
        return content != null && ASSISTANT.matcher(content).find();
    }
}
