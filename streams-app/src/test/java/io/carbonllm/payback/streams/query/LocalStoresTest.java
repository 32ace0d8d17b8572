package io.carbonllm.payback.streams.query;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

/** When the global comparisons store may be read (a PUT reads it to refuse a use-case change). */
class LocalStoresTest {

    @Test
    void theGlobalStoreIsReadableWhileRunningAndInARebalanceAfterTheFirstRunning() {
        assertThat(LocalStores.globalReadable(KafkaStreams.State.RUNNING, false)).isTrue();
        assertThat(LocalStores.globalReadable(KafkaStreams.State.REBALANCING, true))
                .as("a second instance joining must not refuse writes").isTrue();
    }

    @Test
    void theGlobalStoreIsNotReadBeforeTheFirstRunningNorWhenStopping() {
        assertThat(LocalStores.globalReadable(KafkaStreams.State.REBALANCING, false))
                .as("still bootstrapping at start-up").isFalse();
        for (KafkaStreams.State state : new KafkaStreams.State[] {KafkaStreams.State.CREATED,
                KafkaStreams.State.PENDING_SHUTDOWN, KafkaStreams.State.NOT_RUNNING, KafkaStreams.State.PENDING_ERROR,
                KafkaStreams.State.ERROR}) {
            assertThat(LocalStores.globalReadable(state, true)).as(state.name()).isFalse();
        }
    }
}
