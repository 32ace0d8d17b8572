package io.carbonllm.payback.streams.window;

/**
 * A record on another partition than its use case's, read with {@code payback.input.partitioning=use-case}. It goes to
 * the DLQ, stage {@code misrouted}, with this message as reason.
 */
public final class MisroutedRecordException extends RuntimeException {

    public MisroutedRecordException(String reason) {
        super(reason, null, false, false);
    }
}
