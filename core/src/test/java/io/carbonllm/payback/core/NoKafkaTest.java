package io.carbonllm.payback.core;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/**
 * Every decision the engine makes stays plain Java (STYLE.md item 6): the core module's class path has no Kafka jar,
 * so no class in it can import one. A class name list could miss a new class; the class path cannot.
 */
class NoKafkaTest {

    @Test
    void kafkaIsNotOnTheCoreClassPath() {
        assertThatThrownBy(() -> Class.forName("org.apache.kafka.common.serialization.Serde"))
                .isInstanceOf(ClassNotFoundException.class);
        assertThatThrownBy(() -> Class.forName("org.apache.kafka.streams.KafkaStreams"))
                .isInstanceOf(ClassNotFoundException.class);
        assertThatThrownBy(() -> Class.forName("org.apache.kafka.clients.producer.KafkaProducer"))
                .isInstanceOf(ClassNotFoundException.class);
    }
}
