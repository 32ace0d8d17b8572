package io.carbonllm.payback.streams.state;

import java.util.List;
import java.util.function.Function;
import io.carbonllm.payback.streams.metrics.PaybackMetrics;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a global definition topic into its store, validating each record where it is read with the same checks the
 * CLI applies before publishing. An invalid record is skipped with one ERROR log (and counted), and the key keeps its
 * last valid value: the fix is to publish a corrected record under that key. A null value deletes the key. Every
 * change moves the shared {@link Definitions#version()}. Kafka Streams replays the topic through this processor on
 * restore too, so a skipped record still in the topic is logged again after a restart.
 */
public final class DefinitionReader<V> implements Processor<String, V, Void, Void> {

    private static final Logger log = LoggerFactory.getLogger(DefinitionReader.class);

    private final String storeName;
    private final Function<V, List<String>> validator;
    private final Definitions definitions;
    private final PaybackMetrics metrics;
    private ProcessorContext<Void, Void> context;
    private KeyValueStore<String, V> store;

    public DefinitionReader(String storeName, Function<V, List<String>> validator, Definitions definitions,
                            PaybackMetrics metrics) {
        this.storeName = storeName;
        this.validator = validator;
        this.definitions = definitions;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<String, V> record) {
        if (record.key() == null) {
            skip(record, List.of("the key is null"));
            return;
        }
        if (record.value() == null) {
            store.delete(record.key());
            definitions.changed();
            return;
        }
        List<String> problems = validator.apply(record.value());
        if (!problems.isEmpty()) {
            skip(record, problems);
            return;
        }
        store.put(record.key(), record.value());
        definitions.changed();
    }

    private void skip(Record<String, V> record, List<String> problems) {
        RecordMetadata meta = context.recordMetadata().orElse(null);
        metrics.definitionSkipped(meta == null ? storeName : meta.topic());
        log.error("Skipping an invalid record for key {} in topic {} partition {} offset {}; the key keeps its last "
                        + "valid value. Publish a corrected record under that key. Problems: {}", record.key(),
                meta == null ? "?" : meta.topic(), meta == null ? -1 : meta.partition(),
                meta == null ? -1 : meta.offset(), String.join("; ", problems));
    }
}
