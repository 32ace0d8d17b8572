package io.carbonllm.payback.streams;

import io.carbonllm.payback.events.InferenceEvent;
import io.carbonllm.payback.schemas.registry.HttpSchemaRegistryClient;
import io.carbonllm.payback.schemas.serde.AvroSerializer;
import io.carbonllm.payback.streams.window.UseCasePartitioner;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Traffic for the API tests, with figures a reader can check by hand. Every request is successful and metered, on
 * Google (PUE 1.09) in eu-north-1, so a baseline request metered at 1.0 Wh costs 1.09 Wh of facility energy and a
 * candidate request at 0.5 Wh costs 0.545 Wh (docs/methodology.md; the same factors as {@code PaybackScenarioTest}).
 * Window w is [t0 + 60w, t0 + 60w + 60) s; its requests are stamped t0 + 60w + 1 s, + 2 s, ...
 */
final class ApiTraffic {

    static final String BASELINE = "base-70b";
    static final String FINE_TUNE = "ft-8b";

    private final List<InferenceEvent> events = new ArrayList<>();
    private int seq;

    /** {@code n} successful requests of {@code model} in window {@code w}, each metered at {@code meteredWh}. */
    ApiTraffic requests(Instant t0, String useCase, String model, int w, int n, double meteredWh) {
        for (int i = 0; i < n; i++) {
            events.add(InferenceEvent.newBuilder().setEventId(useCase + "-" + model + "-" + (++seq))
                    .setEventTime(t0.plusSeconds(60L * w + 1 + i)).setGateway("api-it").setUseCase(useCase)
                    .setModelId(model).setProvider("google").setRegion("eu-north-1").setInputTokens(100)
                    .setOutputTokens(10).setSuccess(true).setMeteredEnergyWh(meteredWh).build());
        }
        return this;
    }

    /** One request of an unrelated model at t0 + {@code seconds}: moves the use case's stream time on. */
    ApiTraffic tick(Instant t0, String useCase, int seconds) {
        events.add(InferenceEvent.newBuilder().setEventId(useCase + "-tick-" + (++seq))
                .setEventTime(t0.plusSeconds(seconds)).setGateway("api-it").setUseCase(useCase).setModelId("tick")
                .setInputTokens(1).setOutputTokens(1).setSuccess(true).build());
        return this;
    }

    /** Sends everything, keyed by use case (so to its use case's partition), and waits for the broker's acks. */
    void send(RealStack stack) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.broker.bootstrapServers());
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (HttpSchemaRegistryClient registry = new HttpSchemaRegistryClient(stack.registry.confluentApiUrl());
             KafkaProducer<String, InferenceEvent> producer = new KafkaProducer<>(props, new StringSerializer(),
                     new AvroSerializer<>(registry, false))) {
            List<java.util.concurrent.Future<?>> acks = new ArrayList<>();
            for (InferenceEvent e : events) {
                acks.add(producer.send(new ProducerRecord<>("inference-events", e.getUseCase(), e)));
            }
            for (java.util.concurrent.Future<?> ack : acks) {
                ack.get(30, TimeUnit.SECONDS);
            }
        }
        events.clear();
    }

    /** A use case name ({@code prefix-N}) that {@link UseCasePartitioner} puts on {@code partition}. */
    static String useCaseOn(String prefix, int partition, int partitions) {
        for (int i = 0; ; i++) {
            String useCase = prefix + "-" + i;
            if (UseCasePartitioner.partitionOf(useCase, partitions) == partition) {
                return useCase;
            }
        }
    }
}
