package io.carbonllm.payback.streams;

import io.carbonllm.payback.events.PaybackAlert;
import io.carbonllm.payback.events.PaybackStatus;
import io.carbonllm.payback.schemas.serde.TopicContents;
import io.carbonllm.payback.streams.config.PaybackStreamsConfig;
import io.carbonllm.payback.streams.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.apache.kafka.streams.test.TestRecord;

/** Snapshots of what the app published: from TopologyTestDriver (the reference) or from the real broker. */
final class Outputs {

    private Outputs() {
    }

    /**
     * The reference: the same definitions and records, in the order sent, through the production topology in
     * TopologyTestDriver with the same config; then the wall clock moves past a ledger refresh.
     */
    static OutputSnapshot reference(Path stateDir, Map<String, Object> config, List<CrashTraffic.Send> sends) {
        return reference(stateDir, config, sends, Integer.MAX_VALUE, Duration.ZERO);
    }

    /** As above, with the wall clock moved on by {@code tick} after every {@code every} records, as time passes. */
    static OutputSnapshot reference(Path stateDir, Map<String, Object> config, List<CrashTraffic.Send> sends, int every,
                                    Duration tick) {
        Map<String, Object> driverConfig = new HashMap<>(config);
        // TopologyTestDriver 4.4 drops the deserialization handler's dead letters under exactly_once_v2; in one
        // single-threaded task at_least_once processes the same records the same way
        driverConfig.put("processing.guarantee", "at_least_once");
        try (TopologyFixture fx = new TopologyFixture(stateDir, driverConfig)) {
            CrashTraffic.comparisons().forEach(c -> fx.comparisons.pipeInput(c.getComparisonId(), c));
            CrashTraffic.runs().forEach(r -> fx.trainingRuns.pipeInput(r.getRunId(), r));
            int piped = 0;
            for (CrashTraffic.Send send : sends) {
                fx.rawEvents.pipeInput(send.key() == null ? null : send.key().getBytes(StandardCharsets.UTF_8),
                        send.bytes(fx.registry, fx.topics.inferenceEvents().valueSerde().serializer()));
                if (++piped % every == 0) {
                    fx.driver.advanceWallClockTime(tick);
                }
            }
            fx.driver.advanceWallClockTime(Duration.ofMillis(fx.config.ledgerRefresh().toMillis() + 1));
            return fromDriver(fx);
        }
    }

    static OutputSnapshot fromDriver(TopologyFixture fx) {
        OutputSnapshot snapshot = new OutputSnapshot();
        fx.variantWindows.readValuesToList().forEach(snapshot::variantWindow);
        fx.comparisonWindows.readValuesToList().forEach(snapshot::comparisonWindow);
        for (TestRecord<String, PaybackStatus> r : fx.paybackStatus.readRecordsToList()) {
            snapshot.status(r.key(), r.value());
        }
        for (TestRecord<String, PaybackAlert> r : fx.paybackAlerts.readRecordsToList()) {
            snapshot.alert(r.key(), r.value());
        }
        fx.deadLetters.readRecordsToList().forEach(r -> snapshot.deadLetter());
        return snapshot;
    }

    /** Every committed record of the output topics and the DLQ, from the beginning to their ends as they are now. */
    static OutputSnapshot fromBroker(PaybackStreamsConfig config, Topics topics) {
        OutputSnapshot snapshot = new OutputSnapshot();
        String bootstrap = config.bootstrapServers();
        read(bootstrap, config.variantWindowsTopic(), (k, v) -> snapshot.variantWindow(
                topics.variantWindows().valueSerde().deserializer().deserialize(config.variantWindowsTopic(), v)));
        read(bootstrap, config.comparisonWindowsTopic(), (k, v) -> snapshot.comparisonWindow(topics.comparisonWindows()
                .valueSerde().deserializer().deserialize(config.comparisonWindowsTopic(), v)));
        read(bootstrap, config.paybackStatusTopic(), (k, v) -> snapshot.status(k, v == null ? null
                : topics.paybackStatus().valueSerde().deserializer().deserialize(config.paybackStatusTopic(), v)));
        read(bootstrap, config.paybackAlertsTopic(), (k, v) -> snapshot.alert(k,
                topics.paybackAlerts().valueSerde().deserializer().deserialize(config.paybackAlertsTopic(), v)));
        read(bootstrap, config.dlqTopic(), (k, v) -> snapshot.deadLetter());
        return snapshot;
    }

    private static void read(String bootstrap, String topic, BiConsumer<String, byte[]> sink) {
        TopicContents.read(bootstrap, topic, true).forEach(r -> sink.accept(r.key(), r.value()));
    }
}
