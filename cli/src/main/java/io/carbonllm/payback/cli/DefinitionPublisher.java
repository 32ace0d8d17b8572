package io.carbonllm.payback.cli;

import io.carbonllm.payback.schemas.registry.HttpSchemaRegistryClient;
import io.carbonllm.payback.schemas.serde.AvroSerializer;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

/** Publishes one keyed definition (or a tombstone) and waits for the broker's acknowledgement. */
final class DefinitionPublisher {

    private DefinitionPublisher() {
    }

    static RecordMetadata publish(KafkaOptions kafka, String topic, String key, SpecificRecord value) throws Exception {
        Properties props = new Properties();
        props.putAll(kafka.clientProperties());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
        try (HttpSchemaRegistryClient registry = kafka.registryClient();
             KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(props, new StringSerializer(),
                     new AvroSerializer<>(registry, false))) {
            return producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        }
    }
}
