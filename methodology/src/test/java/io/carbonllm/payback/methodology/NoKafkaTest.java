package io.carbonllm.payback.methodology;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The domain math stays free of Kafka: the module's class path has no Kafka jar, so nothing here can import one. */
class NoKafkaTest {

    @Test
    void kafkaIsNotOnTheMethodologyClassPath() {
        assertThatThrownBy(() -> Class.forName("org.apache.kafka.common.serialization.Serde"))
                .isInstanceOf(ClassNotFoundException.class);
        assertThatThrownBy(() -> Class.forName("org.apache.kafka.streams.KafkaStreams"))
                .isInstanceOf(ClassNotFoundException.class);
    }
}
