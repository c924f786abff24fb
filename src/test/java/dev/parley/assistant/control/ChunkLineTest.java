package dev.parley.assistant.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The lines of a streamed chat completion, as OpenAI, vLLM, Ollama and llama.cpp send them. */
class ChunkLineTest {

    @Test
    void aDataLineCarriesTheDeltaOfTheFirstChoice() {
        ChunkLine line = ChunkLine.parse(
                "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"}}]}");
        assertEquals("Hel", line.delta());
        assertFalse(line.done());
        assertEquals(
                "lo",
                ChunkLine.parse("data:{\"choices\":[{\"delta\":{\"content\":\"lo\"}}]}")
                        .delta());
    }

    @Test
    void doneEndsTheStream() {
        assertTrue(ChunkLine.parse("data: [DONE]").done());
    }

    @Test
    void linesWithoutTextCarryNothing() {
        for (String line : new String[] {
            "",
            ": keep-alive",
            "event: message",
            "id: 3",
            "data: {\"choices\":[{\"delta\":{\"role\":\"assistant\"}}]}",
            "data: {\"choices\":[{\"delta\":{}, \"finish_reason\":\"stop\"}]}",
            "data: {\"choices\":[],\"usage\":{\"total_tokens\":12}}",
            "data: {\"choices\":[{\"delta\":{\"content\":null}}]}"
        }) {
            ChunkLine parsed = ChunkLine.parse(line);
            assertEquals("", parsed.delta(), line);
            assertFalse(parsed.done(), line);
        }
    }

    @Test
    void aMalformedChunkOrAnErrorIsAnUpstreamError() {
        for (String line : new String[] {
            "data: {\"choices\":[{\"delta\":{\"content\":",
            "data: [1,2]",
            "data: {\"error\":{\"message\":\"overloaded\"}}"
        }) {
            ModelFailure failure = assertThrows(ModelFailure.class, () -> ChunkLine.parse(line), line);
            assertEquals("upstream_error", failure.code());
        }
    }
}
