package io.carbonllm.payback.bench.streams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How a measured child JVM hands its figures back: one line {@code RESULT {json}} on its standard output, after its
 * own progress lines. Also what the child knows of itself: its peak resident set.
 */
final class ChildResult {

    static final String PREFIX = "RESULT ";
    static final ObjectMapper JSON = new ObjectMapper();

    private ChildResult() {
    }

    static ObjectNode object() {
        return JSON.createObjectNode();
    }

    static void print(ObjectNode result) {
        System.out.println(PREFIX + result);
        System.out.flush();
    }

    /** The line's JSON, or null when {@code line} is not a result. */
    static JsonNode parse(String line) {
        int at = line.indexOf(PREFIX);
        if (at < 0) {
            return null;
        }
        try {
            return JSON.readTree(line.substring(at + PREFIX.length()));
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable result line: " + line, e);
        }
    }

    /** This process's peak resident set (VmHWM of /proc/self/status), MiB; -1 where there is no /proc. */
    static double peakRssMib() {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return -1;
        }
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmHWM:")) {
                    String kb = line.substring("VmHWM:".length()).trim().split("\\s+")[0];
                    return Long.parseLong(kb) / 1024.0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
