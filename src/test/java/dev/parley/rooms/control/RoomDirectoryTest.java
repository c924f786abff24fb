package dev.parley.rooms.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class RoomDirectoryTest {

    @Test
    void aLongInListGoesInPartsThatKeepEveryIdOnceInOrder() {
        List<Long> ids = LongStream.rangeClosed(1, 2 * RoomDirectory.IN_LIST_MAX + 500)
                .boxed()
                .toList();
        List<List<Long>> parts = new ArrayList<>();
        RoomDirectory.inChunks(ids, part -> parts.add(List.copyOf(part)));
        assertEquals(
                List.of(RoomDirectory.IN_LIST_MAX, RoomDirectory.IN_LIST_MAX, 500),
                parts.stream().map(List::size).toList());
        assertEquals(ids, parts.stream().flatMap(List::stream).toList());
    }

    @Test
    void noIdsMeansNoQuery() {
        List<List<Long>> parts = new ArrayList<>();
        RoomDirectory.inChunks(List.<Long>of(), parts::add);
        assertEquals(List.of(), parts);
    }
}
