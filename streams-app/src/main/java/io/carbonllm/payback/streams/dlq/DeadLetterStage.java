package io.carbonllm.payback.streams.dlq;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Where a record was dead-lettered: the value of header {@link DeadLetters#STAGE}. The CLI lists and replays dead
 * letters by it.
 */
public enum DeadLetterStage {

    /** The input's bytes could not be read (not the wire format, unknown schema id, a body that does not resolve). */
    DESERIALIZE(true),
    /** The input was read but is not a valid event (the validate stage). */
    VALIDATE(true),
    /** A request later than its window's grace or its task's close; the value is the request as the window stage read it. */
    LATE(false),
    /**
     * A request on another partition than its use case's, read with {@code payback.input.partitioning=use-case}; the
     * value is the producer's bytes, replayable once the app runs with {@code any} or the producer keys by use case.
     */
    MISROUTED(true);

    private final boolean holdsProducerBytes;

    DeadLetterStage(boolean holdsProducerBytes) {
        this.holdsProducerBytes = holdsProducerBytes;
    }

    /** The header value: {@code deserialize}, {@code validate}, {@code late}, {@code misrouted}. */
    public String header() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Whether the dead letter holds the bytes a producer wrote to an input topic, so that publishing them there again
     * means something. A late request holds what the window stage read from an internal repartition topic, and stream
     * time only moves forward: sent again, it would be late again.
     */
    public boolean holdsProducerBytes() {
        return holdsProducerBytes;
    }

    public static Optional<DeadLetterStage> fromHeader(String value) {
        return Arrays.stream(values()).filter(stage -> stage.header().equals(value)).findFirst();
    }

    /** "deserialize, validate, late, misrouted": the allowed values, for error messages. */
    public static String allowed() {
        return Arrays.stream(values()).map(DeadLetterStage::header).collect(Collectors.joining(", "));
    }
}
