package dev.parley.platform.control;

/**
 * What text Parley accepts and sends. Java strings may hold what no wire encoding can carry: an
 * unpaired UTF-16 surrogate cannot be written as UTF-8, and PostgreSQL refuses NUL. Such text is
 * refused at the boundary; text that only looks empty counts as blank, as ASCII spaces do.
 */
public final class UnicodeText {

    private UnicodeText() {}

    /** Why the text cannot be accepted, or null when it can. */
    public static String defect(String text) {
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            if (c == '\u0000') {
                return "must not contain NUL characters";
            }
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return "must be well-formed Unicode (no unpaired surrogates)";
            }
        }
        return null;
    }

    /**
     * Why the text cannot be a name (a display name, a room's name), or null when it can. A name
     * is shown beside other people's words, as one line: a line break or another control
     * character would let it pass for a message of its own, and a bidirectional override would
     * show its letters in another order than they are stored ("\u202Enimda" reads as "admin").
     */
    public static String nameDefect(String text) {
        return text.codePoints().anyMatch(c -> Character.isISOControl(c) || bidiControl(c))
                ? "must be one line, without control or bidirectional override characters"
                : null;
    }

    // embeddings, overrides and isolates; the plain marks (LRM, RLM) stay, as RTL names need them
    private static boolean bidiControl(int c) {
        return (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
    }

    /** Blank: nothing a reader would see. Spaces of every script, zero-width and control characters alike. */
    public static boolean isBlank(String text) {
        return text.codePoints().allMatch(UnicodeText::invisible);
    }

    private static boolean invisible(int c) {
        return Character.isWhitespace(c)
                || Character.isSpaceChar(c)
                || Character.isISOControl(c)
                // zero-width spaces and joiners, bidi marks, the BOM, soft hyphen, tag characters
                || Character.getType(c) == Character.FORMAT
                // fillers and variation selectors that render as nothing
                || c == 0x034F
                || c == 0x115F
                || c == 0x1160
                || c == 0x17B4
                || c == 0x17B5
                || c == 0x2800
                || c == 0x3164
                || c == 0xFFA0
                || (c >= 0x180B && c <= 0x180F)
                || (c >= 0xFE00 && c <= 0xFE0F)
                || (c >= 0xE0100 && c <= 0xE01EF);
    }

    /**
     * The text with every unpaired surrogate replaced by U+FFFD, for data stored before the
     * boundary refused it: the container cannot encode one, and would fail the whole write.
     */
    public static String wellFormed(String text) {
        StringBuilder fixed = null;
        for (int i = 0, n = text.length(); i < n; i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                if (fixed == null) {
                    fixed = new StringBuilder(text);
                }
                fixed.setCharAt(i, '\uFFFD');
            }
        }
        return fixed == null ? text : fixed.toString();
    }
}
