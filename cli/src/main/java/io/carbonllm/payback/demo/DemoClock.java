package io.carbonllm.payback.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.Properties;

/**
 * The demo's event time, which runs {@code compression} times faster than the wall clock, and survives a restart. A
 * run on a data directory that already holds traffic carries the story on: the story keeps the start it had (kept in
 * {@code demo/story.properties}), and event time resumes just after the latest event already in the input topic, so
 * nothing the restarted simulator sends is behind the stream time the app reached, and nothing is dropped as late.
 * This holds after a kill -9 too: the topic, not a file written on the way out, says where event time got to.
 */
public final class DemoClock {

    static final String FILE = "demo/story.properties";
    private static final String STORY_START = "story.start";

    private final Instant storyStart;
    private final Instant resumeFrom;
    private final double compression;
    private final long startNanos;

    private DemoClock(Instant storyStart, Instant resumeFrom, double compression, long startNanos) {
        this.storyStart = storyStart;
        this.resumeFrom = resumeFrom;
        this.compression = compression;
        this.startNanos = startNanos;
    }

    /**
     * @param dataDir         the demo's data directory
     * @param now             the wall clock now
     * @param latestEventTime the latest event time in the input topic the app accepts, if any
     * @param startNanos      {@link System#nanoTime()} at the start of traffic
     */
    public static DemoClock start(Path dataDir, Instant now, Optional<Instant> latestEventTime, double compression,
                                  long startNanos) {
        Path file = dataDir.resolve(FILE);
        Optional<Instant> storedStart = readStart(file);
        if (latestEventTime.isPresent()) {
            // Resume: the story keeps its start (or, from a data directory older than this file, starts again here)
            Instant resumeFrom = latestEventTime.get().plusMillis(1);
            Instant storyStart = storedStart.filter(s -> !s.isAfter(resumeFrom)).orElse(resumeFrom);
            writeStart(file, storyStart);
            return new DemoClock(storyStart, resumeFrom, compression, startNanos);
        }
        // No traffic yet (a new data directory, or its Kafka data was removed): the story starts now
        Instant start = now.truncatedTo(ChronoUnit.MILLIS);
        writeStart(file, start);
        return new DemoClock(start, start, compression, startNanos);
    }

    /** The same clock, with event time {@link #resumeFrom()} at {@code nanos}: when the traffic actually starts. */
    public DemoClock startingAt(long nanos) {
        return new DemoClock(storyStart, resumeFrom, compression, nanos);
    }

    public Instant storyStart() {
        return storyStart;
    }

    /** Where this run's event time starts: the story's start on a fresh run, later on a resumed one. */
    public Instant resumeFrom() {
        return resumeFrom;
    }

    public boolean resumed() {
        return resumeFrom.isAfter(storyStart);
    }

    /** Event time at {@code nanos} ({@link System#nanoTime()}). */
    public Instant eventTime(long nanos) {
        return resumeFrom.plusMillis((long) ((nanos - startNanos) / 1e6 * compression));
    }

    private static Optional<Instant> readStart(Path file) {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            props.load(in);
            String value = props.getProperty(STORY_START);
            return value == null ? Optional.empty() : Optional.of(Instant.parse(value));
        } catch (IOException | DateTimeParseException e) {
            // A damaged file only costs the story its place: it starts again where event time got to
            return Optional.empty();
        }
    }

    private static void writeStart(Path file, Instant start) {
        Properties props = new Properties();
        props.setProperty(STORY_START, start.toString());
        try {
            Files.createDirectories(file.getParent());
            try (OutputStream out = Files.newOutputStream(file)) {
                props.store(out, "payback demo: where the story started, so a restart carries it on");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }
}
