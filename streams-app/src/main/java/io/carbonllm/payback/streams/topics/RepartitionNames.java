package io.carbonllm.payback.streams.topics;

/**
 * Names of the topology's repartition operators. Each is also the stem of an internal topic
 * ({@code <application.id>-<name>-repartition}) whose schemas the runner registers at start-up, so they live here,
 * below both the topology and {@link Topics}: renaming one is a migration, not a refactor.
 */
public final class RepartitionNames {

    /** Requests keyed by (use case, model) and partitioned by use case, so tasks, windows and comparisons are local. */
    public static final String BY_USE_CASE = "by-use-case";

    private RepartitionNames() {
    }

    /** The internal topic Kafka Streams names after a repartition operator. */
    public static String topic(String applicationId, String operator) {
        return applicationId + "-" + operator + "-repartition";
    }
}
