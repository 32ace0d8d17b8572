package io.carbonllm.payback.core.validation;

/** An event that deserialized but makes no sense. It goes to the DLQ with {@link #getMessage()} as the reason. */
public final class InvalidEventException extends RuntimeException {

    public InvalidEventException(String reason) {
        super(reason, null, false, false);
    }
}
