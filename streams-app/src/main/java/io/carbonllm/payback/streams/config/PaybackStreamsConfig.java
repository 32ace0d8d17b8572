package io.carbonllm.payback.streams.config;

import io.carbonllm.payback.contract.TopicNames;
import io.carbonllm.payback.core.definition.LedgerLimits;
import io.carbonllm.payback.streams.alerts.AlertWebhookConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Typed configuration of the streams app. Each key is declared with its documentation and default; an invalid value
 * fails at start-up with the key and the allowed values (Kafka's {@link ConfigDef} validators). Keys this class does
 * not declare pass through to Kafka Streams and its clients unchanged.
 */
public final class PaybackStreamsConfig extends AbstractConfig {

    public static final String BOOTSTRAP_SERVERS_CONFIG = CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG;
    private static final String BOOTSTRAP_SERVERS_DOC = "Kafka brokers, host:port[,host:port...].";

    public static final String SCHEMA_REGISTRY_URL_CONFIG = "schema.registry.url";
    private static final String SCHEMA_REGISTRY_URL_DOC = "Base URL of a Confluent-compatible schema registry "
            + "(Confluent, Karapace, Redpanda, or Apicurio at /apis/ccompat/v7). Comma-separate several for failover.";

    public static final String APPLICATION_ID_CONFIG = StreamsConfig.APPLICATION_ID_CONFIG;
    private static final String APPLICATION_ID_DOC = "Kafka Streams application id: the consumer group, and the "
            + "prefix of internal topics. Every instance of one deployment shares it.";
    public static final String APPLICATION_ID_DEFAULT = "carbon-llm-payback";

    public static final String PROCESSING_GUARANTEE_CONFIG = StreamsConfig.PROCESSING_GUARANTEE_CONFIG;
    private static final String PROCESSING_GUARANTEE_DOC = "exactly_once_v2 (default) counts every event once in "
            + "the windows and the ledger across crashes; at_least_once is faster and may count twice after a crash.";

    public static final String DATA_DIR_CONFIG = "payback.data.dir";
    private static final String DATA_DIR_DOC = "Directory for durable local data. Kafka Streams state (RocksDB) "
            + "goes in <dir>/streams unless state.dir is set.";
    public static final String DATA_DIR_DEFAULT = Path.of(System.getProperty("user.home"), ".payback").toString();

    public static final String INFERENCE_EVENTS_TOPIC_CONFIG = "payback.topic.inference-events";
    private static final String INFERENCE_EVENTS_TOPIC_DOC = "Input: one InferenceEvent per LLM request.";
    public static final String VARIANT_WINDOWS_TOPIC_CONFIG = "payback.topic.variant-windows";
    private static final String VARIANT_WINDOWS_TOPIC_DOC = "Output: the latest VariantWindow per (use case, model, "
            + "window), keyed by use case.";
    public static final String DLQ_TOPIC_CONFIG = "payback.topic.dlq";
    private static final String DLQ_TOPIC_DOC = "Dead letters: input records that could not be read or failed "
            + "validation, with the reason, source topic, partition and offset in headers.";

    public static final String COMPARISONS_TOPIC_CONFIG = "payback.topic.comparisons";
    private static final String COMPARISONS_TOPIC_DOC = "Input, compacted: one ComparisonDefinition per comparison id; "
            + "read as a global table, so every instance sees every comparison.";
    public static final String TRAINING_RUNS_TOPIC_CONFIG = "payback.topic.training-runs";
    private static final String TRAINING_RUNS_TOPIC_DOC = "Input, compacted: one TrainingRun per run id (a correction "
            + "replaces the run); read as a global table.";
    public static final String COMPARISON_WINDOWS_TOPIC_CONFIG = "payback.topic.comparison-windows";
    private static final String COMPARISON_WINDOWS_TOPIC_DOC = "Output: the latest ComparisonWindow per (comparison, "
            + "window), keyed by comparison id.";
    public static final String PAYBACK_STATUS_TOPIC_CONFIG = "payback.topic.payback-status";
    private static final String PAYBACK_STATUS_TOPIC_DOC = "Output, compacted: each candidate's ledger, keyed by "
            + "comparisonId/candidateId, on every change.";
    public static final String PAYBACK_ALERTS_TOPIC_CONFIG = "payback.topic.payback-alerts";
    private static final String PAYBACK_ALERTS_TOPIC_DOC = "Output: alert transitions (FIRING, RESOLVED), keyed by "
            + "comparisonId/candidateId/rule.";
    public static final String PERIOD_TOTALS_TOPIC_CONFIG = "payback.topic.period-totals";
    private static final String PERIOD_TOTALS_TOPIC_DOC = "Output, compacted: each variant's and each one-off run's "
            + "total of a closed UTC day (DayTotal), keyed by period; written once, never changed in place.";
    public static final String PERIOD_RESTATEMENTS_TOPIC_CONFIG = "payback.topic.period-restatements";
    private static final String PERIOD_RESTATEMENTS_TOPIC_DOC = "Output, compacted: corrections of written day totals "
            + "(PeriodRestatement: before, after, reason, cause), keyed by period and version.";
    public static final String FACTORS_TOPIC_CONFIG = "payback.topic.factors";
    private static final String FACTORS_TOPIC_DOC = "Input, compacted: grid intensities and PUEs (FactorUpdate) with "
            + "effective-from dates, on top of the shipped and file factors; read as a global table.";
    public static final String ENGINE_APPLY_MS_CONFIG = "payback.engine.apply.ms";
    private static final String ENGINE_APPLY_MS_DOC = "How often (wall clock) the engine applies the windows revised "
            + "since it last did: each comparison window is compared and its ledgers revised once per interval, "
            + "however many events revised it, so the ledgers, comparison windows and statuses published trail the "
            + "events by up to this long; the variant-windows topic gets each revised variant window once per interval "
            + "too. 0 applies and publishes every revision as it comes (one engine step, one status and one variant "
            + "window per event: for tests and for very low traffic).";
    public static final String LEDGER_REFRESH_MS_CONFIG = "payback.ledger.refresh.ms";
    private static final String LEDGER_REFRESH_MS_DOC = "How often (wall clock) every ledger charges runs that arrived "
            + "after its traffic and closes the windows whose grace has passed in stream time; a ledger is written only "
            + "when that changed it. Factor and definition changes apply as soon as they arrive.";

    public static final String ROCKSDB_MEMORY_BYTES_CONFIG = "payback.rocksdb.memory.bytes";
    private static final String ROCKSDB_MEMORY_BYTES_DOC = "RocksDB's memory for the whole process, or 0 for Kafka "
            + "Streams' defaults (each store instance its own block cache and memtables: memory grows with partitions, "
            + "stores and window segments). When set: one block cache shared by every store, with the memtables charged "
            + "to it (half of it for them). Off-heap, on top of the JVM heap. A bound much smaller than the hot state "
            + "costs throughput (docs/benchmarks.md, P4). Ignored if rocksdb.config.setter is set to another class.";
    public static final String INPUT_PARTITIONING_CONFIG = "payback.input.partitioning";
    public static final String PARTITIONING_ANY = "any";
    public static final String PARTITIONING_USE_CASE = "use-case";
    private static final String INPUT_PARTITIONING_DOC = "How the inference-events topic is partitioned. 'any': "
            + "records may be keyed and partitioned anyhow; the app repartitions every request by use case (one more "
            + "write and read per event). 'use-case': every record is on its use case's partition (keyed by the use "
            + "case with the default partitioner, as the SDK and OTLP ingest do), so the app folds and windows them "
            + "where they are, without a repartition; a record on another partition goes to the DLQ (stage "
            + "misrouted). Changing it on a running deployment moves the stores to another sub-topology: reset the "
            + "application first (docs/operations.md).";
    public static final String TOPIC_PARTITIONS_CONFIG = "payback.topic.partitions";
    private static final String TOPIC_PARTITIONS_DOC = "Partitions of the topics created at start-up when missing.";
    public static final String TOPIC_REPLICATION_FACTOR_CONFIG = "payback.topic.replication.factor";
    private static final String TOPIC_REPLICATION_FACTOR_DOC = "Replication factor of the topics created at "
            + "start-up when missing; -1 uses the broker default.";
    public static final String TOPIC_CREATE_CONFIG = "payback.topic.create";
    private static final String TOPIC_CREATE_DOC = "Create missing topics at start-up.";

    public static final String WINDOW_SIZE_MS_CONFIG = "payback.window.size.ms";
    private static final String WINDOW_SIZE_MS_DOC = "Size of the tumbling windows, in event time.";
    public static final String WINDOW_GRACE_MS_CONFIG = "payback.window.grace.ms";
    private static final String WINDOW_GRACE_MS_DOC = "How late (in event time) a record may arrive and still "
            + "revise its window; later ones go to the DLQ (stage late) naming the window they missed. At most "
            + "100 x payback.window.size.ms: a ledger keeps every window still open to revision. A window whose end + "
            + "grace has passed is closed: folded into the ledger's totals, and only closed windows feed the saving rate, "
            + "the projection and the alert streaks.";
    public static final String WINDOW_RETENTION_MS_CONFIG = "payback.window.retention.ms";
    private static final String WINDOW_RETENTION_MS_DOC = "How long windows stay queryable in the window store; "
            + "at least window size + grace.";

    public static final String TASK_GAP_MS_CONFIG = "payback.task.gap.ms";
    private static final String TASK_GAP_MS_DOC = "Requests with the same task id belong to one task while they come "
            + "less than this apart (event time); after it, the task is complete and counted.";
    public static final String TASK_GRACE_MS_CONFIG = "payback.task.grace.ms";
    private static final String TASK_GRACE_MS_DOC = "How late a request may arrive and still join its task.";

    public static final String MAX_EVENT_TIME_AHEAD_MS_CONFIG = "payback.validation.max.event.time.ahead.ms";
    private static final String MAX_EVENT_TIME_AHEAD_MS_DOC = "How far an event's eventTime may be ahead of the wall "
            + "clock. A later one goes to the DLQ (stage validate) without moving stream time: one event dated 2100 would "
            + "otherwise make every later event on its partition late. The demo, whose event time runs faster than the "
            + "clock, sets its own. Above one hour, the broker must accept timestamps that far ahead when the app writes "
            + "them to its repartition topics (log.message.timestamp.after.max.ms, one hour by default since Kafka 4.0).";
    public static final String MAX_TOKENS_PER_REQUEST_CONFIG = "payback.validation.max.tokens.per.request";
    private static final String MAX_TOKENS_PER_REQUEST_DOC = "Input or output token counts above this are absurd "
            + "and the event goes to the DLQ.";

    public static final String CATALOG_FILE_CONFIG = "payback.catalog.file";
    private static final String CATALOG_FILE_DOC = "A model catalog CSV (pattern, sizes, optional J/output token) searched "
            + "before the shipped one; empty for the shipped catalog only. Format: docs/methodology.md.";
    public static final String GRID_FACTORS_FILE_CONFIG = "payback.factors.grid.file";
    private static final String GRID_FACTORS_FILE_DOC = "A grid intensity CSV (region, effective_from, location and "
            + "market gCO2e/kWh) added to the shipped one; empty for the shipped factors only.";
    public static final String PUE_FACTORS_FILE_CONFIG = "payback.factors.pue.file";
    private static final String PUE_FACTORS_FILE_DOC = "A PUE CSV (provider, region or default, effective_from) added "
            + "to the shipped one; empty for the shipped factors only.";

    private static final ConfigDef CONFIG = ApiConfig.define(new ConfigDef())
            .define(BOOTSTRAP_SERVERS_CONFIG, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(),
                    Importance.HIGH, BOOTSTRAP_SERVERS_DOC)
            .define(SCHEMA_REGISTRY_URL_CONFIG, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(),
                    Importance.HIGH, SCHEMA_REGISTRY_URL_DOC)
            .define(APPLICATION_ID_CONFIG, Type.STRING, APPLICATION_ID_DEFAULT, new ConfigDef.NonEmptyString(),
                    Importance.HIGH, APPLICATION_ID_DOC)
            .define(PROCESSING_GUARANTEE_CONFIG, Type.STRING, StreamsConfig.EXACTLY_ONCE_V2,
                    ValidString.in(StreamsConfig.EXACTLY_ONCE_V2, StreamsConfig.AT_LEAST_ONCE),
                    Importance.MEDIUM, PROCESSING_GUARANTEE_DOC)
            .define(DATA_DIR_CONFIG, Type.STRING, DATA_DIR_DEFAULT, new ConfigDef.NonEmptyString(),
                    Importance.MEDIUM, DATA_DIR_DOC)
            .define(INFERENCE_EVENTS_TOPIC_CONFIG, Type.STRING, TopicNames.INFERENCE_EVENTS, new ConfigDef.NonEmptyString(),
                    Importance.MEDIUM, INFERENCE_EVENTS_TOPIC_DOC)
            .define(VARIANT_WINDOWS_TOPIC_CONFIG, Type.STRING, TopicNames.VARIANT_WINDOWS, new ConfigDef.NonEmptyString(),
                    Importance.MEDIUM, VARIANT_WINDOWS_TOPIC_DOC)
            .define(DLQ_TOPIC_CONFIG, Type.STRING, TopicNames.DEAD_LETTERS, new ConfigDef.NonEmptyString(),
                    Importance.MEDIUM, DLQ_TOPIC_DOC)
            .define(COMPARISONS_TOPIC_CONFIG, Type.STRING, TopicNames.COMPARISONS, new ConfigDef.NonEmptyString(),
                    Importance.MEDIUM, COMPARISONS_TOPIC_DOC)
            .define(TRAINING_RUNS_TOPIC_CONFIG, Type.STRING, TopicNames.TRAINING_RUNS, new ConfigDef.NonEmptyString(),
                    Importance.MEDIUM, TRAINING_RUNS_TOPIC_DOC)
            .define(COMPARISON_WINDOWS_TOPIC_CONFIG, Type.STRING, TopicNames.COMPARISON_WINDOWS, new ConfigDef.NonEmptyString(),
                    Importance.MEDIUM, COMPARISON_WINDOWS_TOPIC_DOC)
            .define(PAYBACK_STATUS_TOPIC_CONFIG, Type.STRING, TopicNames.PAYBACK_STATUS, new ConfigDef.NonEmptyString(),
                    Importance.MEDIUM, PAYBACK_STATUS_TOPIC_DOC)
            .define(PAYBACK_ALERTS_TOPIC_CONFIG, Type.STRING, TopicNames.PAYBACK_ALERTS, new ConfigDef.NonEmptyString(),
                    Importance.MEDIUM, PAYBACK_ALERTS_TOPIC_DOC)
            .define(PERIOD_TOTALS_TOPIC_CONFIG, Type.STRING, TopicNames.PERIOD_TOTALS, new ConfigDef.NonEmptyString(),
                    Importance.MEDIUM, PERIOD_TOTALS_TOPIC_DOC)
            .define(PERIOD_RESTATEMENTS_TOPIC_CONFIG, Type.STRING, TopicNames.PERIOD_RESTATEMENTS,
                    new ConfigDef.NonEmptyString(), Importance.MEDIUM, PERIOD_RESTATEMENTS_TOPIC_DOC)
            .define(FACTORS_TOPIC_CONFIG, Type.STRING, TopicNames.FACTORS, new ConfigDef.NonEmptyString(),
                    Importance.MEDIUM, FACTORS_TOPIC_DOC)
            .define(LEDGER_REFRESH_MS_CONFIG, Type.LONG, 5_000L, Range.atLeast(100), Importance.LOW,
                    LEDGER_REFRESH_MS_DOC)
            .define(ENGINE_APPLY_MS_CONFIG, Type.LONG, 100L, Range.between(0, 60_000), Importance.LOW,
                    ENGINE_APPLY_MS_DOC)
            .define(ROCKSDB_MEMORY_BYTES_CONFIG, Type.LONG, 0L, new RocksDbBound(), Importance.MEDIUM,
                    ROCKSDB_MEMORY_BYTES_DOC)
            .define(INPUT_PARTITIONING_CONFIG, Type.STRING, PARTITIONING_ANY,
                    ValidString.in(PARTITIONING_ANY, PARTITIONING_USE_CASE), Importance.MEDIUM, INPUT_PARTITIONING_DOC)
            .define(TOPIC_PARTITIONS_CONFIG, Type.INT, 6, Range.between(1, 10_000), Importance.MEDIUM,
                    TOPIC_PARTITIONS_DOC)
            .define(TOPIC_REPLICATION_FACTOR_CONFIG, Type.SHORT, (short) -1, Range.between(-1, 32), Importance.MEDIUM,
                    TOPIC_REPLICATION_FACTOR_DOC)
            .define(TOPIC_CREATE_CONFIG, Type.BOOLEAN, true, Importance.LOW, TOPIC_CREATE_DOC)
            .define(WINDOW_SIZE_MS_CONFIG, Type.LONG, 60_000L, Range.atLeast(1_000), Importance.MEDIUM,
                    WINDOW_SIZE_MS_DOC)
            .define(WINDOW_GRACE_MS_CONFIG, Type.LONG, 30_000L, Range.atLeast(0), Importance.MEDIUM,
                    WINDOW_GRACE_MS_DOC)
            .define(WINDOW_RETENTION_MS_CONFIG, Type.LONG, Duration.ofDays(7).toMillis(), Range.atLeast(1_000),
                    Importance.MEDIUM, WINDOW_RETENTION_MS_DOC)
            .define(MAX_TOKENS_PER_REQUEST_CONFIG, Type.LONG, 10_000_000L, Range.atLeast(1), Importance.LOW,
                    MAX_TOKENS_PER_REQUEST_DOC)
            .define(MAX_EVENT_TIME_AHEAD_MS_CONFIG, Type.LONG, Duration.ofMinutes(15).toMillis(),
                    Range.between(0, Duration.ofDays(3650).toMillis()),
                    Importance.MEDIUM, MAX_EVENT_TIME_AHEAD_MS_DOC)
            .define(TASK_GAP_MS_CONFIG, Type.LONG, 60_000L, Range.atLeast(1), Importance.MEDIUM, TASK_GAP_MS_DOC)
            .define(TASK_GRACE_MS_CONFIG, Type.LONG, 10_000L, Range.atLeast(0), Importance.LOW, TASK_GRACE_MS_DOC)
            .define(CATALOG_FILE_CONFIG, Type.STRING, "", Importance.MEDIUM, CATALOG_FILE_DOC)
            .define(GRID_FACTORS_FILE_CONFIG, Type.STRING, "", Importance.MEDIUM, GRID_FACTORS_FILE_DOC)
            .define(PUE_FACTORS_FILE_CONFIG, Type.STRING, "", Importance.MEDIUM, PUE_FACTORS_FILE_DOC);

    static {
        // payback.alerts.webhook.*: declared where the webhook is
        AlertWebhookConfig.define(CONFIG);
    }

    private final ApiConfig api;

    public PaybackStreamsConfig(Map<?, ?> props) {
        super(CONFIG, props);
        api = new ApiConfig(this);
        // A closed day's totals are read from the window store: every window of the day must still be in it when the
        // day closes (its end + a window + the grace), and a day more, so that a comparison first seen has a whole day
        Duration minRetention = Duration.ofDays(2).plus(windowSize()).plus(windowGrace());
        if (windowRetention().compareTo(minRetention) < 0) {
            throw new org.apache.kafka.common.config.ConfigException(WINDOW_RETENTION_MS_CONFIG,
                    getLong(WINDOW_RETENTION_MS_CONFIG), "must be at least two days + " + WINDOW_SIZE_MS_CONFIG + " + "
                    + WINDOW_GRACE_MS_CONFIG + " = " + minRetention.toMillis() + " ms (a closed day's totals are "
                    + "read from the window store)");
        }
        long maxGrace = windowSize().toMillis() * LedgerLimits.MAX_GRACE_IN_WINDOWS;
        if (windowGrace().toMillis() > maxGrace) {
            throw new org.apache.kafka.common.config.ConfigException(WINDOW_GRACE_MS_CONFIG, getLong(WINDOW_GRACE_MS_CONFIG),
                    "must be at most " + LedgerLimits.MAX_GRACE_IN_WINDOWS + " x " + WINDOW_SIZE_MS_CONFIG + " = "
                    + maxGrace + " ms: each window open to revision is kept in every ledger");
        }
        // Fail fast on a missing factor file, not when the topology is built.
        catalogFile();
        gridFactorsFile();
        pueFactorsFile();
        alertWebhook();
    }

    /** The HTTP API's keys ({@code payback.api.*}), checked together. */
    public ApiConfig api() {
        return api;
    }

    /** All declared keys with their docs, for --help output and docs. */
    public static ConfigDef configDef() {
        return CONFIG;
    }

    public String bootstrapServers() {
        return getString(BOOTSTRAP_SERVERS_CONFIG);
    }

    public String schemaRegistryUrl() {
        return getString(SCHEMA_REGISTRY_URL_CONFIG);
    }

    public String applicationId() {
        return getString(APPLICATION_ID_CONFIG);
    }

    public Path dataDir() {
        return Path.of(getString(DATA_DIR_CONFIG));
    }

    public String inferenceEventsTopic() {
        return getString(INFERENCE_EVENTS_TOPIC_CONFIG);
    }

    public String variantWindowsTopic() {
        return getString(VARIANT_WINDOWS_TOPIC_CONFIG);
    }

    public String dlqTopic() {
        return getString(DLQ_TOPIC_CONFIG);
    }

    public String comparisonsTopic() {
        return getString(COMPARISONS_TOPIC_CONFIG);
    }

    public String trainingRunsTopic() {
        return getString(TRAINING_RUNS_TOPIC_CONFIG);
    }

    public String comparisonWindowsTopic() {
        return getString(COMPARISON_WINDOWS_TOPIC_CONFIG);
    }

    public String paybackStatusTopic() {
        return getString(PAYBACK_STATUS_TOPIC_CONFIG);
    }

    public String paybackAlertsTopic() {
        return getString(PAYBACK_ALERTS_TOPIC_CONFIG);
    }

    public String periodTotalsTopic() {
        return getString(PERIOD_TOTALS_TOPIC_CONFIG);
    }

    public String periodRestatementsTopic() {
        return getString(PERIOD_RESTATEMENTS_TOPIC_CONFIG);
    }

    public String factorsTopic() {
        return getString(FACTORS_TOPIC_CONFIG);
    }

    public Duration engineApply() {
        return Duration.ofMillis(getLong(ENGINE_APPLY_MS_CONFIG));
    }

    /** Whether the input is partitioned by use case already ({@code payback.input.partitioning=use-case}). */
    public boolean inputPartitionedByUseCase() {
        return PARTITIONING_USE_CASE.equals(getString(INPUT_PARTITIONING_CONFIG));
    }

    public Duration ledgerRefresh() {
        return Duration.ofMillis(getLong(LEDGER_REFRESH_MS_CONFIG));
    }

    public int topicPartitions() {
        return getInt(TOPIC_PARTITIONS_CONFIG);
    }

    public short topicReplicationFactor() {
        return getShort(TOPIC_REPLICATION_FACTOR_CONFIG);
    }

    public boolean createTopics() {
        return getBoolean(TOPIC_CREATE_CONFIG);
    }

    public Duration windowSize() {
        return Duration.ofMillis(getLong(WINDOW_SIZE_MS_CONFIG));
    }

    public Duration windowGrace() {
        return Duration.ofMillis(getLong(WINDOW_GRACE_MS_CONFIG));
    }

    public Duration windowRetention() {
        return Duration.ofMillis(getLong(WINDOW_RETENTION_MS_CONFIG));
    }

    public Path catalogFile() {
        return optionalFile(CATALOG_FILE_CONFIG);
    }

    public Path gridFactorsFile() {
        return optionalFile(GRID_FACTORS_FILE_CONFIG);
    }

    public Path pueFactorsFile() {
        return optionalFile(PUE_FACTORS_FILE_CONFIG);
    }

    private Path optionalFile(String key) {
        String value = getString(key);
        if (value == null || value.isBlank()) {
            return null;
        }
        Path path = Path.of(value);
        if (!java.nio.file.Files.isReadable(path)) {
            throw new org.apache.kafka.common.config.ConfigException(key, value, "is not a readable file");
        }
        return path;
    }

    /** The alert webhook's settings ({@code payback.alerts.webhook.*}); off when no URL is set. */
    public AlertWebhookConfig alertWebhook() {
        return AlertWebhookConfig.from(this, applicationId());
    }

    public Duration taskGap() {
        return Duration.ofMillis(getLong(TASK_GAP_MS_CONFIG));
    }

    public Duration taskGrace() {
        return Duration.ofMillis(getLong(TASK_GRACE_MS_CONFIG));
    }

    public Duration maxEventTimeAhead() {
        return Duration.ofMillis(getLong(MAX_EVENT_TIME_AHEAD_MS_CONFIG));
    }

    public long maxTokensPerRequest() {
        return getLong(MAX_TOKENS_PER_REQUEST_CONFIG);
    }

    /**
     * The properties for {@code KafkaStreams}: every original key passed through, then our defaults for what the
     * user did not set (state dir under the data dir, exactly-once, the DLQ handlers).
     */
    public Properties streamsProperties() {
        Map<String, Object> props = new HashMap<>(originals());
        props.put(APPLICATION_ID_CONFIG, applicationId());
        props.put(PROCESSING_GUARANTEE_CONFIG, getString(PROCESSING_GUARANTEE_CONFIG));
        props.putIfAbsent(StreamsConfig.STATE_DIR_CONFIG, dataDir().resolve("streams").toString());
        props.putIfAbsent(DLQ_TOPIC_CONFIG, dlqTopic());
        if (getLong(ROCKSDB_MEMORY_BYTES_CONFIG) > 0) {
            props.putIfAbsent(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG,
                    io.carbonllm.payback.streams.state.BoundedRocksDbMemory.class.getName());
            props.put(ROCKSDB_MEMORY_BYTES_CONFIG, getLong(ROCKSDB_MEMORY_BYTES_CONFIG));
        }
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                io.carbonllm.payback.streams.dlq.DeadLetterDeserializationHandler.class.getName());
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
                io.carbonllm.payback.streams.dlq.DeadLetterProcessingHandler.class.getName());
        Properties properties = new Properties();
        properties.putAll(props);
        return properties;
    }

    /** 0 (Kafka Streams' defaults) or at least 16 MiB. */
    private static final class RocksDbBound implements ConfigDef.Validator {
        private static final long MIN = 16L * 1024 * 1024;

        @Override
        public void ensureValid(String name, Object value) {
            long bytes = (Long) value;
            if (bytes != 0 && bytes < MIN) {
                throw new org.apache.kafka.common.config.ConfigException(name, value,
                        "must be 0 (Kafka Streams' defaults) or at least " + MIN + " (16 MiB)");
            }
        }

        @Override
        public String toString() {
            return "0 or [16777216,...]";
        }
    }
}
