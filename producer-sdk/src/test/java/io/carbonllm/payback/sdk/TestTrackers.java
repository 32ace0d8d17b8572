package io.carbonllm.payback.sdk;

import org.apache.kafka.clients.producer.Producer;

/**
 * For other packages' and modules' tests (through this module's test-jar): a tracker builder that sends with a given
 * producer, such as Kafka's {@code MockProducer}, instead of a {@code KafkaProducer}.
 */
public final class TestTrackers {

    private TestTrackers() {
    }

    /** {@code builder}, sending with {@code producer} (which {@link PaybackTracker#close} closes). */
    public static PaybackTracker.Builder sendingTo(PaybackTracker.Builder builder, Producer<byte[], byte[]> producer) {
        return builder.producerFactory(props -> producer);
    }
}
