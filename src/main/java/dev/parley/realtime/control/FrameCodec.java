package dev.parley.realtime.control;

import dev.parley.platform.control.JsonbContext;
import dev.parley.platform.control.UnicodeText;

/** Encodes a frame once, as {@code {"type":…, …the record's fields…}}, with the REST naming rules. */
public final class FrameCodec {

    private FrameCodec() {
    }

    public static String encode(String type, Object body) {
        String json = JsonbContext.jsonb().toJson(body);
        String typed = "{\"type\":\"" + type + "\"";
        // text stored before the boundary refused unpaired surrogates must not break the write
        return UnicodeText.wellFormed(json.length() <= 2 ? typed + "}" : typed + "," + json.substring(1));
    }
}
