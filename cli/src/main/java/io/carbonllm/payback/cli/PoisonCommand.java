package io.carbonllm.payback.cli;

import io.carbonllm.payback.contract.TopicNames;
import io.carbonllm.payback.events.InferenceEvent;
import io.carbonllm.payback.schemas.registry.HttpSchemaRegistryClient;
import io.carbonllm.payback.schemas.serde.AvroSerializer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "poison",
        mixinStandardHelpOptions = true,
        description = {"Sends four bad records to the input topic, to watch them reach the DLQ while the demo keeps "
                + "going: garbage bytes, a wrong magic byte, an unknown schema id, and a well-formed event with "
                + "negative token counts."})
final class PoisonCommand implements Callable<Integer> {

    @Mixin
    KafkaOptions kafka = new KafkaOptions();

    @Option(names = "--topic", paramLabel = "TOPIC", description = "Input topic (default: ${DEFAULT-VALUE}).")
    String topic = TopicNames.INFERENCE_EVENTS;

    private final Console console = Console.stdout();

    @Override
    public Integer call() throws Exception {
        InferenceEvent negative = InferenceEvent.newBuilder()
                .setEventId("poison-" + UUID.randomUUID())
                .setEventTime(Instant.now())
                .setGateway("poison-command")
                .setUseCase("support-summarize")
                .setModelId("llama-3.1-8b-support-ft")
                .setInputTokens(-120)
                .setOutputTokens(-3)
                .setSuccess(true)
                .build();
        Map<String, byte[]> records = new LinkedHashMap<>();
        records.put("garbage bytes", "this is not avro".getBytes(StandardCharsets.UTF_8));
        records.put("wrong magic byte", new byte[] {7, 0, 0, 0, 1, 2, 3});
        records.put("unknown schema id 2000000000", new byte[] {0, 0x77, 0x35, (byte) 0x94, 0x00, 2, 'x'});
        try (HttpSchemaRegistryClient registry = kafka.registryClient()) {
            records.put("negative token counts (valid Avro)", new AvroSerializer<InferenceEvent>(registry, false)
                    .serialize(topic, negative));
        }
        Properties props = new Properties();
        props.putAll(kafka.clientProperties());
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (Map.Entry<String, byte[]> record : records.entrySet()) {
                RecordMetadata metadata = producer.send(new ProducerRecord<>(topic,
                        "support-summarize".getBytes(StandardCharsets.UTF_8), record.getValue())).get(30, TimeUnit.SECONDS);
                console.line("sent %-36s to %s partition %d offset %d", record.getKey(), topic, metadata.partition(),
                        metadata.offset());
            }
        }
        console.line("Each should appear in the DLQ with the reason in header payback.dlq.reason.");
        return 0;
    }
}
