package io.carbonllm.payback.bench;

import io.carbonllm.payback.events.TaskOutcome;
import io.carbonllm.payback.schemas.registry.InMemorySchemaRegistryClient;
import io.carbonllm.payback.schemas.serde.AvroSerializer;
import io.carbonllm.payback.schemas.serde.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What {@link AvroSerializer} costs per record on the streams app's hot path (one {@link TaskOutcome} per gateway
 * event, as written to the repartition topic and the task stores), next to the least any Avro serializer does: a
 * {@link SpecificDatumWriter} writing the same record into a fresh buffer with the five-byte header, no registry.
 * The registry is in memory and the schema registered in setup, so the serializer measures its cache hit.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Threads(1)
@State(Scope.Thread)
public class SerializerBenchmark {

    private static final String TOPIC = "carbon-llm-payback-fold-and-window-repartition";

    private TaskOutcome outcome;
    private AvroSerializer<TaskOutcome> serializer;
    private SpecificDatumWriter<TaskOutcome> writer;

    @Setup
    public void setUp() {
        Instant at = Instant.parse("2026-11-28T04:00:00Z");
        outcome = TaskOutcome.newBuilder().setUseCase("support-triage").setModelId("llama-3.1-8b-ft")
                .setTaskId("task-000123").setRequests(1).setSuccess(true).setInputTokens(812).setCachedInputTokens(0)
                .setOutputTokens(164).setCoveredRequests(1).setItWh(0.41).setFacilityWh(0.47).setGCo2eLocation(0.19)
                .setGCo2eMarket(0.19).setEnergyTier("ESTIMATED").setWorldDefaultGridRequests(0)
                .setMarketFallbackRequests(1).setFactorRows(Map.of("GRID|region|eu-west-1|2025-01-01", 1L,
                        "PUE|provider|aws|2023-01-01", 1L))
                .setFirstEventTime(at).setLastEventTime(at).build();
        serializer = new AvroSerializer<>(new InMemorySchemaRegistryClient(), false);
        serializer.serialize(TOPIC, outcome); // registers the schema
        writer = new SpecificDatumWriter<>(TaskOutcome.getClassSchema());
    }

    @Benchmark
    public byte[] avroSerializer() {
        return serializer.serialize(TOPIC, outcome);
    }

    /** The floor: header and record into a new buffer, with a new encoder, as a minimal serializer would. */
    @Benchmark
    public byte[] writerOnly() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.write(WireFormat.MAGIC_BYTE);
        out.write(new byte[4]);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        writer.write(outcome, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
