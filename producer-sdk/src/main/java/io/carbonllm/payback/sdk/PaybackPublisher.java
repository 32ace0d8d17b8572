package io.carbonllm.payback.sdk;

import io.carbonllm.payback.contract.TopicNames;
import io.carbonllm.payback.events.InferenceEvent;
import io.carbonllm.payback.schemas.registry.HttpSchemaRegistryClient;
import io.carbonllm.payback.schemas.registry.RegistryClientConfig;
import io.carbonllm.payback.schemas.registry.SchemaRegistryClient;
import io.carbonllm.payback.schemas.serde.AvroSerializer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes one {@link InferenceEvent} per LLM request to {@code inference-events}, keyed by use case, in the
 * Confluent wire format. Thread-safe: share one instance per gateway process.
 *
 * <pre>{@code
 * try (PaybackPublisher publisher = PaybackPublisher.builder()
 *         .bootstrapServers("127.0.0.1:9092")
 *         .schemaRegistryUrl("http://127.0.0.1:8081/apis/ccompat/v7")
 *         .build()) {
 *     publisher.publish(event);
 * }
 * }</pre>
 *
 * <p>This is the thin first version: {@link #publish} can block for up to {@code max.block.ms} while Kafka is
 * unreachable. The gateway SDK issue replaces it with a {@code record()} that never blocks a gateway thread.
 */
public final class PaybackPublisher implements AutoCloseable {

    public static final String DEFAULT_TOPIC = TopicNames.INFERENCE_EVENTS;

    private final Producer<String, InferenceEvent> producer;
    private final SchemaRegistryClient registry;
    private final boolean ownsRegistry;
    private final String topic;

    PaybackPublisher(Producer<String, InferenceEvent> producer, SchemaRegistryClient registry,
                     boolean ownsRegistry, String topic) {
        this.producer = producer;
        this.registry = registry;
        this.ownsRegistry = ownsRegistry;
        this.topic = topic;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Sends the event; the future completes when Kafka has acknowledged it (acks=all, idempotent). */
    public CompletableFuture<RecordMetadata> publish(InferenceEvent event) {
        Objects.requireNonNull(event, "event");
        CompletableFuture<RecordMetadata> result = new CompletableFuture<>();
        producer.send(new ProducerRecord<>(topic, event.getUseCase(), event), (metadata, exception) -> {
            if (exception != null) {
                result.completeExceptionally(exception);
            } else {
                result.complete(metadata);
            }
        });
        return result;
    }

    /** Blocks until every event published so far is acknowledged or failed. */
    public void flush() {
        producer.flush();
    }

    public String topic() {
        return topic;
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }

    public void close(Duration timeout) {
        producer.close(timeout);
        if (ownsRegistry) {
            registry.close();
        }
    }

    public static final class Builder {
        private final Map<String, Object> producerProps = new HashMap<>();
        private String registryUrl;
        private SchemaRegistryClient registry;
        private String topic = DEFAULT_TOPIC;

        private Builder() {
            producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
            producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            producerProps.put(ProducerConfig.LINGER_MS_CONFIG, 20);
            producerProps.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
            producerProps.put(ProducerConfig.CLIENT_ID_CONFIG, "payback-publisher");
        }

        public Builder bootstrapServers(String servers) {
            producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
            return this;
        }

        /** The Confluent-compatible registry; with Apicurio, the URL ends in {@code /apis/ccompat/v7}. */
        public Builder schemaRegistryUrl(String url) {
            this.registryUrl = url;
            return this;
        }

        /** A registry client to share, for example with basic auth or TLS configured. */
        public Builder schemaRegistry(SchemaRegistryClient client) {
            this.registry = client;
            return this;
        }

        public Builder topic(String topic) {
            this.topic = Objects.requireNonNull(topic, "topic");
            return this;
        }

        /** Any Kafka producer property, e.g. security settings. */
        public Builder producerProperty(String key, Object value) {
            producerProps.put(key, value);
            return this;
        }

        public PaybackPublisher build() {
            if (!producerProps.containsKey(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG)) {
                throw new IllegalArgumentException("PaybackPublisher needs bootstrapServers(...)");
            }
            boolean owns = registry == null;
            SchemaRegistryClient client = registry;
            if (client == null) {
                if (registryUrl == null) {
                    throw new IllegalArgumentException("PaybackPublisher needs schemaRegistryUrl(...) or schemaRegistry(...)");
                }
                client = new HttpSchemaRegistryClient(RegistryClientConfig.builder(registryUrl).build());
            }
            KafkaProducer<String, InferenceEvent> producer = new KafkaProducer<>(producerProps,
                    new StringSerializer(), new AvroSerializer<>(client, false));
            return new PaybackPublisher(producer, client, owns, topic);
        }
    }
}
