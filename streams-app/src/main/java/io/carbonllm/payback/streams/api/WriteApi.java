package io.carbonllm.payback.streams.api;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.carbonllm.payback.core.definition.ComparisonValidator;
import io.carbonllm.payback.core.definition.TrainingRuns;
import io.carbonllm.payback.core.disclosure.Ownership;
import io.carbonllm.payback.core.ledger.Ledgers;
import io.carbonllm.payback.events.CandidateDefinition;
import io.carbonllm.payback.events.ComparisonDefinition;
import io.carbonllm.payback.events.TrainingRun;
import io.carbonllm.payback.schemas.registry.SchemaRegistryClient;
import io.carbonllm.payback.schemas.serde.AvroSerializer;
import io.carbonllm.payback.streams.query.LocalStores;
import io.carbonllm.payback.streams.query.Unavailable;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The write endpoints: each validates its body with the checks the streams app applies where it reads the topic
 * ({@link ComparisonValidator}, {@link TrainingRuns}, as {@code ./payback comparison put} and {@code ./payback run}
 * do), then produces one record with an idempotent producer, in the Confluent wire format, and answers 202 with where
 * it landed. The app applies it when its global thread reads it, moments later.
 */
final class WriteApi implements AutoCloseable {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaProducer<String, SpecificRecord> producer;
    private final String comparisonsTopic;
    private final String trainingRunsTopic;
    private final LocalStores local;
    private final ObjectMapper json;
    private final int maxBodyBytes;

    WriteApi(Map<String, Object> clientProps, SchemaRegistryClient registry, String comparisonsTopic,
             String trainingRunsTopic, LocalStores local, ObjectMapper json, int maxBodyBytes) {
        Map<String, Object> props = new HashMap<>(clientProps);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "payback-api-writes");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 25_000);
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new AvroSerializer<>(registry, false));
        this.comparisonsTopic = comparisonsTopic;
        this.trainingRunsTopic = trainingRunsTopic;
        this.local = local;
        this.json = json;
        this.maxBodyBytes = maxBodyBytes;
    }

    /** PUT /api/comparisons/{id}[?newEpoch=true] */
    void putComparison(Context ctx) throws IOException {
        QueryParams q = new QueryParams(ctx.queryParamMap(), Set.of("newEpoch"));
        boolean newEpoch = q.bool("newEpoch", false);
        String id = ctx.pathParam("id");
        JsonNode body = body(ctx);
        if (body.isObject()) {
            JsonNode bodyId = body.get("comparisonId");
            if (bodyId != null && !(bodyId.isTextual() && bodyId.textValue().equals(id))) {
                throw ApiException.invalidBody("invalid_comparison", "comparisonId in the body (" + bodyId
                        + ") differs from the id in the path (" + id + ")",
                        List.of(new ApiException.Problem("comparisonId", "must equal the path's id '" + id + "' or be left out")));
            }
            ((ObjectNode) body).put("comparisonId", id);
        }
        ComparisonDefinition def = read(body, ComparisonDefinition.class, "invalid_comparison");
        // any case in, lower case stored, as ./payback comparison put writes them
        def.setBaselineOwnership(Ownership.canonical(def.getBaselineOwnership()));
        if (def.getCandidates() != null) {
            def.getCandidates().forEach(c -> c.setOwnership(Ownership.canonical(c.getOwnership())));
        }
        List<String> problems = ComparisonValidator.problems(def);
        if (!problems.isEmpty()) {
            throw ApiException.invalidBody("invalid_comparison", "invalid comparison " + id + ": "
                    + String.join("; ", problems), ProblemFields.ofComparison(def, problems));
        }
        ComparisonDefinition current = local.definition(id);
        if (current != null && !current.getUseCase().equals(def.getUseCase())) {
            throw new ApiException(409, "use_case_change", "comparison " + id + ": its use case cannot change ("
                    + current.getUseCase() + " -> " + def.getUseCase() + "): its ledgers live on the use case's "
                    + "partition. DELETE it and PUT the new definition under a new id", "useCase", List.of(), null);
        }
        List<String> restarting = newEpochCandidates(current, def);
        if (!restarting.isEmpty() && !newEpoch) {
            throw new ApiException(409, "new_epoch_required", "this edit of comparison " + id + " changes the baseline "
                    + "model or a candidate's model, which starts a new ledger epoch for " + String.join(", ", restarting)
                    + ": their figures restart from zero. Repeat with ?newEpoch=true to confirm", "newEpoch",
                    restarting.stream().map(c -> new ApiException.Problem("candidates", "candidate " + c
                            + " starts a new epoch")).toList(), null);
        }
        ObjectNode answer = produce(comparisonsTopic, id, def);
        answer.set("newEpochFor", json.valueToTree(restarting));
        accepted(ctx, answer);
    }

    /** DELETE /api/comparisons/{id}: a tombstone on the compacted topic. */
    void deleteComparison(Context ctx) throws IOException {
        new QueryParams(ctx.queryParamMap(), Set.of());
        String id = ctx.pathParam("id");
        if (local.definition(id) == null) {
            throw ApiException.notFound("no comparison with id '" + id + "'");
        }
        accepted(ctx, produce(comparisonsTopic, id, null));
    }

    /** POST /api/training-runs */
    void postTrainingRun(Context ctx) throws IOException {
        new QueryParams(ctx.queryParamMap(), Set.of());
        TrainingRun run = read(body(ctx), TrainingRun.class, "invalid_training_run");
        run.setOwnership(Ownership.canonical(run.getOwnership()));
        List<String> problems = TrainingRuns.problems(run);
        if (!problems.isEmpty()) {
            throw ApiException.invalidBody("invalid_training_run", "invalid training run " + run.getRunId() + ": "
                    + String.join("; ", problems), ProblemFields.ofRun(problems));
        }
        accepted(ctx, produce(trainingRunsTopic, run.getRunId(), run));
    }

    /**
     * The candidates kept by the edit whose ledger fingerprint (use case, baseline model, model) changes: the ledger's
     * own rule ({@link Ledgers#fingerprint}), as {@code ./payback comparison put} applies it.
     */
    static List<String> newEpochCandidates(ComparisonDefinition current, ComparisonDefinition next) {
        List<String> affected = new ArrayList<>();
        if (current == null) {
            return affected;
        }
        for (CandidateDefinition candidate : next.getCandidates()) {
            for (CandidateDefinition before : current.getCandidates()) {
                if (Objects.equals(before.getCandidateId(), candidate.getCandidateId())
                        && !Ledgers.fingerprint(current, before).equals(Ledgers.fingerprint(next, candidate))) {
                    affected.add(candidate.getCandidateId());
                }
            }
        }
        return affected;
    }

    private <T extends SpecificRecord> T read(JsonNode body, Class<T> type, String code) {
        List<AvroJson.FieldError> errors = new ArrayList<>();
        T record;
        try {
            record = AvroJson.fromJson(body, type, (org.apache.avro.Schema) type.getMethod("getClassSchema").invoke(null),
                    errors);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("not a generated Avro class: " + type, e);
        }
        if (!errors.isEmpty()) {
            throw ApiException.invalidBody(code, String.join("; ", errors.stream().map(AvroJson.FieldError::text).toList()),
                    errors.stream().map(e -> new ApiException.Problem(e.field(), e.text())).toList());
        }
        return record;
    }

    /** The body as JSON, read up to the limit: a longer one is 413 whatever its Content-Length said. */
    private JsonNode body(Context ctx) throws IOException {
        byte[] bytes;
        try (InputStream in = ctx.bodyInputStream()) {
            bytes = in.readNBytes(maxBodyBytes + 1);
            if (bytes.length > maxBodyBytes) {
                // (a body without Content-Length: the rest is read and dropped too, up to a bound, as in ApiServer)
                drain(in, drainLimit(maxBodyBytes));
            }
        }
        if (bytes.length > maxBodyBytes) {
            throw new ApiException(413, "payload_too_large", "the body is larger than " + maxBodyBytes
                    + " bytes (payback.api.max.body.bytes)", null, List.of(), null);
        }
        if (bytes.length == 0) {
            throw ApiException.invalidBody("malformed_json", "the body is empty: send a JSON object",
                    List.of(new ApiException.Problem("body", "is empty")));
        }
        try {
            // A key given twice is refused, not silently the last one
            return json.reader().with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).readTree(bytes);
        } catch (JsonProcessingException e) {
            // No location when a limit of the parser is what failed (nesting deeper than it allows)
            JsonLocation at = e.getLocation();
            throw ApiException.invalidBody("malformed_json", "the body is not valid JSON: " + e.getOriginalMessage(),
                    List.of(new ApiException.Problem("body", at == null ? "is not valid JSON: " + e.getOriginalMessage()
                            : "is not valid JSON at line " + at.getLineNr() + ", column " + at.getColumnNr())));
        }
    }

    /** Bodies up to this long are read to their end before a 413, so that the client gets the answer. */
    static long drainLimit(int maxBodyBytes) {
        return 4L * maxBodyBytes;
    }

    /** Reads and drops up to {@code upTo} bytes of {@code in}, or to its end. */
    static void drain(InputStream in, long upTo) throws IOException {
        byte[] buffer = new byte[8192];
        long left = upTo;
        int n;
        while (left > 0 && (n = in.read(buffer, 0, (int) Math.min(buffer.length, left))) > 0) {
            left -= n;
        }
    }

    private ObjectNode produce(String topic, String key, SpecificRecord value) {
        RecordMetadata metadata;
        try {
            metadata = producer.send(new ProducerRecord<>(topic, key, value))
                    .get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw unavailable(topic, e.getCause());
        } catch (TimeoutException | KafkaException e) {
            // KafkaException here is the serializer's: the registry did not answer
            throw unavailable(topic, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable(topic, e);
        }
        ObjectNode answer = NODES.objectNode();
        answer.put("topic", metadata.topic());
        answer.put("partition", metadata.partition());
        answer.put("offset", metadata.offset());
        answer.put("key", key);
        answer.put("tombstone", value == null);
        answer.put("timestamp", Instant.ofEpochMilli(metadata.timestamp()).toString());
        return answer;
    }

    /** 202: the record is in the topic (acks=all); the app applies it when its global thread reads it. */
    private void accepted(Context ctx, ObjectNode answer) throws IOException {
        ctx.status(202).contentType("application/json").result(json.writeValueAsBytes(answer));
    }

    private static Unavailable unavailable(String topic, Throwable cause) {
        String kind = cause instanceof RetriableException || cause instanceof TimeoutException
                ? "Kafka did not acknowledge" : "could not produce";
        return new Unavailable(Unavailable.KAFKA_UNAVAILABLE, kind + " the record to " + topic + ": " + cause, cause);
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
