package io.carbonllm.payback.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.carbonllm.payback.events.InferenceEvent;
import io.carbonllm.payback.schemas.registry.InMemorySchemaRegistryClient;
import io.carbonllm.payback.schemas.serde.AvroSerializer;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class PaybackPublisherTest {

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    private final MockProducer<String, InferenceEvent> producer =
            new MockProducer<>(false, null, new StringSerializer(), new AvroSerializer<>(registry, false));
    private final PaybackPublisher publisher = new PaybackPublisher(producer, registry, false, "inference-events");

    private static InferenceEvent event(String useCase) {
        return InferenceEvent.newBuilder().setEventId("e-1").setEventTime(Instant.EPOCH).setGateway("gw")
                .setUseCase(useCase).setModelId("m").setInputTokens(1).setOutputTokens(1).setSuccess(true).build();
    }

    @Test
    void eventsAreKeyedByUseCaseSoAUseCaseStaysOnOnePartition() {
        publisher.publish(event("support-summarize"));
        assertThat(producer.history()).singleElement().satisfies(record -> {
            assertThat(record.topic()).isEqualTo("inference-events");
            assertThat(record.key()).isEqualTo("support-summarize");
        });
        // and the value's schema was registered under the TopicNameStrategy subject
        assertThat(registry.subjects()).containsExactly("inference-events-value");
    }

    @Test
    void theFutureCompletesWhenKafkaAcknowledges() throws Exception {
        CompletableFuture<RecordMetadata> sent = publisher.publish(event("u"));
        assertThat(sent).isNotDone();
        producer.completeNext();
        assertThat(sent.get().topic()).isEqualTo("inference-events");
    }

    @Test
    void theFutureFailsWhenKafkaDoes() {
        CompletableFuture<RecordMetadata> sent = publisher.publish(event("u"));
        producer.errorNext(new TimeoutException("no broker"));
        assertThatThrownBy(sent::get).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TimeoutException.class);
    }

    @Test
    void aBuilderWithoutBootstrapServersNamesWhatIsMissing() {
        assertThatThrownBy(() -> PaybackPublisher.builder().schemaRegistryUrl("http://r:8081").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bootstrapServers");
        assertThatThrownBy(() -> PaybackPublisher.builder().bootstrapServers("b:9092").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("schemaRegistryUrl");
    }
}
