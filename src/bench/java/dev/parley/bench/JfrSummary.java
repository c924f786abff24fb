package dev.parley.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * The server's hottest methods in each measured window, from the JFR recording of the whole
 * run: execution samples are sliced by time, then counted by their top frame (self) and by every
 * method on their stack (inclusive, once per sample).
 */
final class JfrSummary {

    private static final int TOP = 30;

    private JfrSummary() {}

    static List<String> summarize(Path recording, List<Rig.Profiled> windows) throws IOException {
        Map<String, Counts> byWindow = new HashMap<>();
        windows.forEach(w -> byWindow.put(w.label(), new Counts()));
        try (RecordingFile file = new RecordingFile(recording)) {
            while (file.hasMoreEvents()) {
                RecordedEvent event = file.readEvent();
                if (!event.getEventType().getName().equals("jdk.ExecutionSample")) {
                    continue;
                }
                Instant at = event.getStartTime();
                RecordedStackTrace stack = event.getStackTrace();
                if (stack == null || stack.getFrames().isEmpty()) {
                    continue;
                }
                for (Rig.Profiled w : windows) {
                    if (!at.isBefore(w.from()) && at.isBefore(w.to())) {
                        byWindow.get(w.label()).add(stack.getFrames());
                    }
                }
            }
        }
        List<String> out = new ArrayList<>();
        for (Rig.Profiled w : windows) {
            Counts counts = byWindow.get(w.label());
            out.add("");
            out.add("### JFR: " + w.label() + " (" + counts.samples + " execution samples in the measured window)");
            out.add("top " + TOP + " by self samples:");
            out.addAll(counts.top(counts.self));
            out.add("top " + TOP + " by inclusive samples:");
            out.addAll(counts.top(counts.inclusive));
        }
        return out;
    }

    static void write(Path file, List<String> lines) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, lines);
    }

    private static final class Counts {
        long samples;
        final Map<String, Long> self = new HashMap<>();
        final Map<String, Long> inclusive = new HashMap<>();

        void add(List<RecordedFrame> frames) {
            samples++;
            self.merge(name(frames.get(0)), 1L, Long::sum);
            Set<String> seen = new HashSet<>();
            for (RecordedFrame frame : frames) {
                String name = name(frame);
                if (seen.add(name)) {
                    inclusive.merge(name, 1L, Long::sum);
                }
            }
        }

        List<String> top(Map<String, Long> counts) {
            List<String> lines = new ArrayList<>();
            counts.entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .limit(TOP)
                    .forEach(e -> lines.add(String.format(
                            "  %6d  %5.1f %%  %s",
                            e.getValue(), 100.0 * e.getValue() / Math.max(1, samples), e.getKey())));
            return lines;
        }

        private static String name(RecordedFrame frame) {
            return frame.getMethod().getType().getName() + "."
                    + frame.getMethod().getName();
        }
    }
}
