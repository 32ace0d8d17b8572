package io.carbonllm.payback.otlp;

/** A request body that is not an OTLP export request: answered with 400 and this message. */
final class MalformedRequestException extends Exception {

    private static final long serialVersionUID = 1L;

    MalformedRequestException(String message) {
        super(message);
    }
}
