package io.carbonllm.payback.contract;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The contract depends on Avro only: the module's class path has no Kafka jar, so nothing here can import one. */
class NoKafkaTest {

    @Test
    void kafkaIsNotOnTheContractClassPath() {
        assertThatThrownBy(() -> Class.forName("org.apache.kafka.common.serialization.Serde"))
                .isInstanceOf(ClassNotFoundException.class);
        assertThatThrownBy(() -> Class.forName("org.apache.kafka.streams.KafkaStreams"))
                .isInstanceOf(ClassNotFoundException.class);
    }
}
