package io.carbonllm.payback.streams.api;

import java.util.List;

/**
 * An answer other than 2xx, with its JSON body. Every error the API gives has one shape:
 * <pre>{"error": {"status": 400, "code": "invalid_parameter", "message": "...", "field": "limit",
 *            "problems": [{"field": "limit", "message": "..."}], "retryAfterSeconds": 5}}</pre>
 * {@code field}, {@code problems} and {@code retryAfterSeconds} appear only when they apply.
 */
public final class ApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** One problem with the request, naming the field (a query parameter, or a path in the body) when there is one. */
    public record Problem(String field, String message) {
    }

    private final int status;
    private final String code;
    private final String field;
    private final transient List<Problem> problems;
    private final Integer retryAfterSeconds;

    public ApiException(int status, String code, String message, String field, List<Problem> problems,
                        Integer retryAfterSeconds) {
        super(message);
        this.status = status;
        this.code = code;
        this.field = field;
        this.problems = problems == null ? List.of() : List.copyOf(problems);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public static ApiException badParameter(String field, String message) {
        return new ApiException(400, "invalid_parameter", field + " " + message, field, List.of(), null);
    }

    public static ApiException invalidBody(String code, String summary, List<Problem> problems) {
        String field = problems.isEmpty() ? null : problems.get(0).field();
        return new ApiException(400, code, summary, field, problems, null);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, "not_found", message, null, List.of(), null);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String field() {
        return field;
    }

    public List<Problem> problems() {
        return problems;
    }

    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
