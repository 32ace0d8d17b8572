package io.carbonllm.payback.streams.window;

/** A task that arrived after its window closed. It goes to the DLQ, stage {@code late}, with this message as reason. */
public final class LateRecordException extends RuntimeException {

    public LateRecordException(String reason) {
        super(reason, null, false, false);
    }
}
