package io.carbonllm.payback.streams.query;

/**
 * The truthful answer cannot be given now, but will be soon: Kafka Streams is not RUNNING, the store's partition is
 * rebalancing, migrating or restoring, or the instance that owns it does not answer. The API says 503 with
 * Retry-After; it never answers from a store that might be empty or stale as if it were the truth.
 */
public final class Unavailable extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Kafka Streams is not RUNNING here. */
    public static final String NOT_RUNNING = "not_running";
    /** The store's partition is not queryable here now (rebalancing, migrating, restoring). */
    public static final String STORE_UNAVAILABLE = "store_unavailable";
    /** Kafka Streams does not know (yet) which instance owns the key or a partition. */
    public static final String OWNER_UNKNOWN = "owner_unknown";
    /** The owner did not answer in time, or answered 5xx. */
    public static final String OWNER_UNAVAILABLE = "owner_unavailable";
    /** A forwarded request reached an instance that no longer owns the key: it is not forwarded again. */
    public static final String NOT_OWNER = "not_owner";

    /** Kafka (or the schema registry) did not take a write in time. */
    public static final String KAFKA_UNAVAILABLE = "kafka_unavailable";

    private final String code;

    public Unavailable(String code, String message) {
        super(message);
        this.code = code;
    }

    public Unavailable(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
