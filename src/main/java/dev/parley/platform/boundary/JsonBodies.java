package dev.parley.platform.boundary;

import dev.parley.platform.control.Refusal;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.MessageBodyReader;
import jakarta.ws.rs.ext.Provider;
import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.List;

/**
 * Decodes every JSON request body into the text the resources parse, strictly. The runtime's own
 * reader replaced bytes that are not text in the body's charset with U+FFFD, so a message arrived
 * changed and was stored as if sent so; and a charset the JVM does not know was a 500. Now the
 * first is 400 {@code bad_json} and the second 415, and nothing is stored in either case.
 */
@Provider
@Consumes(MediaType.APPLICATION_JSON)
public class JsonBodies implements MessageBodyReader<String> {

    @Override
    public boolean isReadable(Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
        return type == String.class;
    }

    @Override
    public String readFrom(
            Class<String> type,
            Type genericType,
            Annotation[] annotations,
            MediaType mediaType,
            MultivaluedMap<String, String> headers,
            InputStream body)
            throws IOException {
        Charset charset = charset(mediaType);
        // BodyLimit bounds the stream, so this holds at most parley.http.max-body-bytes
        byte[] bytes = body.readAllBytes();
        try {
            return charset.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException notText) {
            throw Refusal.badJson("the body is not valid " + charset.name());
        }
    }

    /** JSON is UTF-8 (RFC 8259); another charset is honoured when the request names one. */
    static Charset charset(MediaType mediaType) {
        String name = mediaType == null ? null : mediaType.getParameters().get(MediaType.CHARSET_PARAMETER);
        if (name == null || name.isBlank()) {
            return StandardCharsets.UTF_8;
        }
        try {
            return Charset.forName(name.strip());
        } catch (IllegalCharsetNameException | UnsupportedCharsetException unknown) {
            throw new Refusal(
                    415,
                    "unsupported_charset",
                    "Unsupported media type",
                    "charset " + shown(name) + " is not supported",
                    List.of());
        }
    }

    // the name is the client's: keep it short and printable in the answer
    private static String shown(String name) {
        String printable = name.codePoints()
                .filter(c -> c >= 0x20 && c < 0x7f)
                .limit(40)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString();
        return '"' + printable + '"';
    }
}
