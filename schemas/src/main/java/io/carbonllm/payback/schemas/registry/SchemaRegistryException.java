package io.carbonllm.payback.schemas.registry;

/**
 * A registry call failed. The message names the URL, the subject or id, and the HTTP status.
 *
 * <p>{@link #status()} is the HTTP status, or {@code -1} when no response arrived; {@link #errorCode()} is the
 * Confluent {@code error_code} from the body, or {@code -1}.
 */
public class SchemaRegistryException extends RuntimeException {

    private final String url;
    private final int status;
    private final int errorCode;

    public SchemaRegistryException(String message, String url, int status, int errorCode, Throwable cause) {
        super(message, cause);
        this.url = url;
        this.status = status;
        this.errorCode = errorCode;
    }

    public String url() {
        return url;
    }

    public int status() {
        return status;
    }

    public int errorCode() {
        return errorCode;
    }

    /** Confluent's error code for a schema id the registry does not have (Apicurio, Karapace, Redpanda use it too). */
    public static final int SCHEMA_NOT_FOUND = 40403;

    /**
     * Whether a failure reading a record says something about the record: an unknown schema id (404 with error code
     * 40403), or a schema this client cannot use (not Avro, say). An unreachable, throttling or refusing registry says
     * nothing about the record, which must never be dead-lettered for it; neither does a 404 without that code (a
     * wrong registry URL, a proxy's page), which is the registry's or the configuration's fault.
     */
    public boolean isRecordsFault() {
        if (this instanceof NotFound) {
            return errorCode == SCHEMA_NOT_FOUND;
        }
        return !(this instanceof Unavailable || this instanceof Unauthorized);
    }

    /** 404: the subject, version or schema id does not exist. */
    public static final class NotFound extends SchemaRegistryException {
        public NotFound(String message, String url, int status, int errorCode) {
            super(message, url, status, errorCode, null);
        }
    }

    /** 409: the schema is incompatible with the subject's compatibility level. */
    public static final class Incompatible extends SchemaRegistryException {
        public Incompatible(String message, String url, int status, int errorCode) {
            super(message, url, status, errorCode, null);
        }
    }

    /** 401 or 403: the registry refused our credentials. Not the record's fault, and no retry will fix it. */
    public static final class Unauthorized extends SchemaRegistryException {
        public Unauthorized(String message, String url, int status, int errorCode) {
            super(message, url, status, errorCode, null);
        }
    }

    /**
     * The registry could not be reached, timed out or answered 5xx, 429 or 408 after the client's retries. Transient: callers should retry or stop,
     * never treat the record as bad.
     */
    public static final class Unavailable extends SchemaRegistryException {
        public Unavailable(String message, String url, int status, Throwable cause) {
            super(message, url, status, -1, cause);
        }
    }
}
