package dev.parley.realtime.control;

import dev.parley.platform.control.JsonbContext;
import dev.parley.platform.control.UnicodeText;
import dev.parley.realtime.entity.ServerFrame;

/** Writes a frame as {@code {"type":…, …its body's fields…}}, with the REST naming rules. */
final class FrameCodec {

    private FrameCodec() {}

    static String encode(ServerFrame frame) {
        String json = JsonbContext.jsonb().toJson(frame.body());
        String typed = "{\"type\":\"" + frame.type() + "\"";
        // text stored before the boundary refused unpaired surrogates must not break the write
        return UnicodeText.wellFormed(json.length() <= 2 ? typed + "}" : typed + "," + json.substring(1));
    }
}
