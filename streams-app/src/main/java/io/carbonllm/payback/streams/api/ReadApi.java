package io.carbonllm.payback.streams.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.carbonllm.payback.core.alert.AlertState;
import io.carbonllm.payback.core.engine.PaybackEngine;
import io.carbonllm.payback.core.verdict.VerdictInputs;
import io.carbonllm.payback.core.verdict.Verdicts;
import io.carbonllm.payback.events.CandidateDefinition;
import io.carbonllm.payback.events.ComparisonDefinition;
import io.carbonllm.payback.events.ComparisonWindow;
import io.carbonllm.payback.events.LedgerState;
import io.carbonllm.payback.events.PaybackAlert;
import io.carbonllm.payback.events.PaybackStatus;
import io.carbonllm.payback.streams.query.LocalStores;
import io.carbonllm.payback.streams.query.Routing;
import io.carbonllm.payback.streams.query.Unavailable;
import io.carbonllm.payback.streams.window.UseCasePartitioner;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;

/**
 * The read endpoints. A query about one comparison is answered by the instance whose active task holds the partition
 * of the comparison's use case (this one, or the owner it is forwarded to, once); a list is gathered from every
 * instance, one call each, and given only when the answers cover every partition exactly once. Anything less is a
 * 503 ({@link Unavailable}), never a partial list presented as the whole.
 */
final class ReadApi {

    static final String BASELINE_VARIANT = "baseline";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Instant UNBOUNDED = Instant.ofEpochMilli(Long.MAX_VALUE);

    private final LocalStores local;
    private final Routing routing;
    private final Forwarder forwarder;
    private final ObjectMapper json;
    private final AlertHistory alertHistory;
    private final int openWindows;

    /**
     * @param openWindows how many of a comparison's latest windows can still be open (not yet folded into the
     *                    ledgers): {@code ceil(grace / size) + 1}
     */
    ReadApi(LocalStores local, Routing routing, Forwarder forwarder, ObjectMapper json, AlertHistory alertHistory,
            int openWindows) {
        this.alertHistory = alertHistory;
        this.openWindows = openWindows;
        this.local = local;
        this.routing = routing;
        this.forwarder = forwarder;
        this.json = json;
    }

    /** GET /api/health: alive unless Kafka Streams has stopped or failed. */
    static ObjectNode health(KafkaStreams.State state, String instance) {
        boolean up = state != KafkaStreams.State.ERROR && state != KafkaStreams.State.PENDING_ERROR
                && state != KafkaStreams.State.NOT_RUNNING && state != KafkaStreams.State.PENDING_SHUTDOWN;
        ObjectNode node = NODES.objectNode();
        node.put("status", up ? "UP" : "DOWN");
        node.put("streams", state.name());
        node.put("instance", instance);
        return node;
    }

    // GET /api/comparisons

    void list(Context ctx) throws IOException {
        QueryParams q = new QueryParams(ctx.queryParamMap(), Set.of("limit", "offset", "sort", "order", "status",
                "include"));
        int limit = q.integer("limit", 50, 1, 500);
        int offset = q.integer("offset", 0, 0, Integer.MAX_VALUE);
        String sort = q.oneOf("sort", List.of("id", "useCase", "status", "paybackRatio"), "id");
        String order = q.oneOf("order", List.of("asc", "desc"), "asc");
        Set<String> statuses = q.subsetOf("status", Summaries.STATUS_ORDER);
        boolean withVerdicts = q.subsetOf("include", List.of(INCLUDE_VERDICT)).contains(INCLUDE_VERDICT);

        List<ComparisonDefinition> definitions = local.definitions();
        Gathered gathered = gather(ctx, true, true, withVerdicts);
        Map<String, JsonNode> verdicts = new HashMap<>();
        gathered.verdicts().forEach(v -> verdicts.put(v.path("comparisonId").asText(), v.path("verdict")));
        Map<String, ObjectNode> byLedger = new HashMap<>();
        for (JsonNode status : gathered.statuses()) {
            byLedger.put(PaybackEngine.ledgerKey(status.path("comparisonId").asText(),
                    status.path("candidateId").asText()), (ObjectNode) status);
        }
        Map<String, Integer> alertsByLedger = new HashMap<>();
        for (JsonNode alert : gathered.alerts()) {
            alertsByLedger.merge(PaybackEngine.ledgerKey(alert.path("comparisonId").asText(),
                    alert.path("candidateId").asText()), 1, Integer::sum);
        }
        List<ObjectNode> items = new ArrayList<>();
        for (ComparisonDefinition def : definitions) {
            ObjectNode item = listItem(def, byLedger, alertsByLedger);
            if (withVerdicts) {
                item.set("verdict", verdicts.getOrDefault(def.getComparisonId(), NODES.nullNode()));
            }
            if (statuses.isEmpty() || hasStatus(item, statuses)) {
                items.add(item);
            }
        }
        items.sort(comparator(sort, order));
        ObjectNode body = NODES.objectNode();
        ArrayNode page = body.putArray("items");
        items.stream().skip(offset).limit(limit).forEach(page::add);
        body.put("total", items.size());
        body.put("offset", offset);
        body.put("limit", limit);
        body.put("sort", sort);
        body.put("order", order);
        write(ctx, body);
    }

    private static ObjectNode listItem(ComparisonDefinition def, Map<String, ObjectNode> byLedger,
                                       Map<String, Integer> alertsByLedger) {
        ObjectNode item = NODES.objectNode();
        item.put("comparisonId", def.getComparisonId());
        item.put("useCase", def.getUseCase());
        item.put("baselineModel", def.getBaselineModel());
        item.put("basis", def.getBasis());
        item.set("horizonEnd", AvroJson.toJson(def).get("horizonEnd"));
        ArrayNode candidates = NODES.arrayNode();
        String mostUrgent = null;
        Double bestRatio = null;
        int openAlerts = 0;
        boolean anyLedger = false;
        for (CandidateDefinition candidate : def.getCandidates()) {
            String key = PaybackEngine.ledgerKey(def.getComparisonId(), candidate.getCandidateId());
            ObjectNode c = NODES.objectNode();
            c.put("candidateId", candidate.getCandidateId());
            c.put("modelId", candidate.getModelId());
            c.put("kind", candidate.getKind());
            ObjectNode summary = byLedger.get(key);
            if (summary != null) {
                anyLedger = true;
                summary.properties().forEach(e -> {
                    if (!e.getKey().equals("comparisonId") && !e.getKey().equals("candidateId")) {
                        c.set(e.getKey(), e.getValue());
                    }
                });
            } else {
                c.putNull("status");
            }
            int alerts = alertsByLedger.getOrDefault(key, 0);
            c.put("openAlerts", alerts);
            openAlerts += alerts;
            String status = c.path("status").isTextual() ? c.get("status").asText() : null;
            if (status != null && (mostUrgent == null || Summaries.urgency(status) < Summaries.urgency(mostUrgent))) {
                mostUrgent = status;
            }
            JsonNode ratio = c.path("paybackRatio");
            if (ratio.isNumber() && (bestRatio == null || ratio.asDouble() > bestRatio)) {
                bestRatio = ratio.asDouble();
            }
            candidates.add(c);
        }
        item.put("status", mostUrgent);
        item.set("paybackRatio", Summaries.number(bestRatio));
        item.put("openAlerts", openAlerts);
        item.put("hasLedger", anyLedger);
        item.set("candidates", candidates);
        return item;
    }

    private static boolean hasStatus(ObjectNode item, Set<String> statuses) {
        for (JsonNode c : item.get("candidates")) {
            if (c.path("status").isTextual() && statuses.contains(c.get("status").asText())) {
                return true;
            }
        }
        return false;
    }

    /** Sorted by the field, nulls last either way, then by id. */
    private static Comparator<ObjectNode> comparator(String sort, String order) {
        boolean desc = order.equals("desc");
        Comparator<ObjectNode> byId = Comparator.comparing(n -> n.get("comparisonId").asText());
        Comparator<ObjectNode> primary = switch (sort) {
            case "useCase" -> Comparator.comparing(n -> n.get("useCase").asText());
            case "status" -> Comparator.comparingInt(n -> Summaries.urgency(n.get("status").isNull() ? null
                    : n.get("status").asText()));
            case "paybackRatio" -> (a, b) -> {
                JsonNode x = a.get("paybackRatio");
                JsonNode y = b.get("paybackRatio");
                if (x.isNull() || y.isNull()) {
                    return 0; // placed by nullsLast below
                }
                return Double.compare(x.asDouble(), y.asDouble());
            };
            default -> byId;
        };
        if (desc) {
            primary = primary.reversed();
        }
        Comparator<ObjectNode> nullsLast = switch (sort) {
            case "paybackRatio" -> Comparator.comparing(n -> n.get("paybackRatio").isNull());
            case "status" -> desc ? Comparator.comparing(n -> n.get("status").isNull()) : (a, b) -> 0;
            default -> (a, b) -> 0;
        };
        return nullsLast.thenComparing(primary).thenComparing(byId);
    }

    // GET /api/comparisons/{id}

    void detail(Context ctx) throws IOException {
        new QueryParams(ctx.queryParamMap(), Set.of());
        ComparisonDefinition def = definition(ctx.pathParam("id"));
        Routing.Owner owner = routing.ownerOf(def.getUseCase());
        if (!owner.local()) {
            relay(ctx, owner);
            return;
        }
        ObjectNode body = NODES.objectNode();
        body.put("comparisonId", def.getComparisonId());
        body.set("definition", AvroJson.toJson(def));
        ArrayNode candidates = body.putArray("candidates");
        List<PaybackStatus> statuses = new ArrayList<>();
        for (CandidateDefinition candidate : def.getCandidates()) {
            LedgerState ledger = local.ledger(owner.partition(),
                    PaybackEngine.ledgerKey(def.getComparisonId(), candidate.getCandidateId()));
            if (ledger != null && ledger.getLastStatus() != null) {
                statuses.add(ledger.getLastStatus());
            }
            ObjectNode c = candidates.addObject();
            c.put("candidateId", candidate.getCandidateId());
            c.put("modelId", candidate.getModelId());
            c.put("kind", candidate.getKind());
            // The published status: all three bases with their evidence tiers, energy coverage and factor rows
            c.set("ledger", ledger == null || ledger.getLastStatus() == null ? NODES.nullNode()
                    : AvroJson.toJson(ledger.getLastStatus()));
        }
        ArrayNode alerts = body.putArray("openAlerts");
        local.openAlerts(owner.partition(), def.getComparisonId()).stream()
                .sorted(Comparator.comparing((PaybackAlert a) -> a.getCandidateId()).thenComparing(PaybackAlert::getRule))
                .forEach(a -> alerts.add(AvroJson.toJson(a)));
        // Every transition this instance read back from payback-alerts (the alert timeline), oldest first, and whether
        // that is all of them: not while the read after a start is still catching up, nor once some were dropped
        AlertHistory.Timeline timeline = alertHistory.of(def.getComparisonId());
        ArrayNode history = body.putArray("alertHistory");
        timeline.transitions().forEach(a -> history.add(AvroJson.toJson(a)));
        body.put("alertHistoryComplete", timeline.complete());
        body.set("alertHistoryIncompleteReason", timeline.complete() ? NODES.nullNode()
                : NODES.textNode(timeline.gap().name()));
        // The seed's decision rule: the lowest total over the horizon among the variants meeting the quality bar
        body.set("verdict", VerdictJson.toJson(Verdicts.decide(VerdictInputs.from(def, statuses,
                verdictWindows(owner.partition(), def)))));
        served(ctx);
        write(ctx, body);
    }

    /**
     * The windows a verdict rests on, the same for the detail and the list: the latest ones, enough to hold the
     * look-back's closed windows behind those still open, and a few the ledger has not folded in yet.
     */
    private List<ComparisonWindow> verdictWindows(int partition, ComparisonDefinition def) {
        return local.latestWindows(partition, def.getComparisonId(),
                def.getSavingRateLookbackWindows() + openWindows + UNFOLDED_WINDOWS_READ);
    }

    // GET /api/comparisons/{id}/windows

    void windows(Context ctx) throws IOException {
        QueryParams q = new QueryParams(ctx.queryParamMap(), Set.of("from", "to", "variant", "limit", "newest"));
        Instant from = q.instant("from", Instant.EPOCH);
        Instant to = q.instant("to", UNBOUNDED);
        if (!from.isBefore(to)) {
            throw ApiException.badParameter("from", "must be before to (" + from + " >= " + to + ")");
        }
        int limit = q.integer("limit", 1_000, 1, 10_000);
        boolean newest = q.oneOf("newest", List.of("true", "false"), "false").equals("true");
        String variant = q.string("variant");
        ComparisonDefinition def = definition(ctx.pathParam("id"));
        List<String> variants = new ArrayList<>();
        variants.add(BASELINE_VARIANT);
        def.getCandidates().forEach(c -> variants.add(c.getCandidateId()));
        if (variant != null && !variants.contains(variant)) {
            throw ApiException.badParameter("variant", "must be " + String.join(", ", variants) + " (the baseline or a "
                    + "candidate id of comparison " + def.getComparisonId() + "), got " + variant);
        }
        Routing.Owner owner = routing.ownerOf(def.getUseCase());
        if (!owner.local()) {
            relay(ctx, owner);
            return;
        }
        // newest=true: the latest windows of the range (a chart's), still oldest first; truncated says older ones exist
        List<ComparisonWindow> windows = newest
                ? local.latestWindows(owner.partition(), def.getComparisonId(), from, to, limit + 1)
                : local.windows(owner.partition(), def.getComparisonId(), from, to, limit);
        boolean truncated = windows.size() > limit;
        if (newest && truncated) {
            windows = windows.subList(1, windows.size());
        }
        ObjectNode body = NODES.objectNode();
        body.put("comparisonId", def.getComparisonId());
        body.put("from", from.toString());
        body.set("to", to.equals(UNBOUNDED) ? NODES.nullNode() : NODES.textNode(to.toString()));
        body.put("variant", variant);
        ArrayNode array = body.putArray("windows");
        for (ComparisonWindow window : windows.subList(0, Math.min(limit, windows.size()))) {
            ObjectNode w = AvroJson.toJson(window);
            if (variant != null) {
                ArrayNode kept = NODES.arrayNode();
                for (JsonNode c : w.withArray("candidates")) {
                    if (c.path("candidateId").asText().equals(variant)) {
                        kept.add(c);
                    }
                }
                w.set("candidates", kept);
            }
            array.add(w);
        }
        body.put("truncated", truncated);
        body.set("nextFrom", truncated && !newest ? NODES.textNode(windows.get(limit).getWindowStart().toString())
                : NODES.nullNode());
        served(ctx);
        write(ctx, body);
    }

    // GET /api/alerts

    void alerts(Context ctx) throws IOException {
        QueryParams q = new QueryParams(ctx.queryParamMap(), Set.of("state", "comparisonId"));
        String state = q.string("state");
        if (state != null && !state.equalsIgnoreCase(AlertState.FIRING.name())) {
            throw ApiException.badParameter("state", "must be " + AlertState.FIRING + ": the app keeps the alerts firing now; "
                    + "every transition (" + AlertState.FIRING + ", " + AlertState.RESOLVED + ") is on the payback-alerts "
                    + "topic; got " + state);
        }
        String comparisonId = q.string("comparisonId");
        if (comparisonId != null) {
            definition(comparisonId); // an unknown id is a 404, not an empty list
        }
        List<JsonNode> alerts = new ArrayList<>(gather(ctx, false, true, false).alerts());
        alerts.removeIf(a -> comparisonId != null && !a.path("comparisonId").asText().equals(comparisonId));
        alerts.sort(Comparator.comparing((JsonNode a) -> a.path("comparisonId").asText())
                .thenComparing(a -> a.path("candidateId").asText()).thenComparing(a -> a.path("rule").asText()));
        ObjectNode body = NODES.objectNode();
        body.put("state", AlertState.FIRING.name());
        body.putArray("items").addAll(alerts);
        body.put("total", alerts.size());
        write(ctx, body);
    }

    // GET /api/internal/local-state: what this instance's active tasks hold, for another instance's list

    void localState(Context ctx) throws IOException {
        QueryParams q = new QueryParams(ctx.queryParamMap(), Set.of("parts"));
        Set<String> parts = q.subsetOf("parts", List.of("STATUSES", "ALERTS", "VERDICTS"));
        write(ctx, localState(parts.contains("STATUSES"), parts.contains("ALERTS"), parts.contains("VERDICTS")));
    }

    private ObjectNode localState(boolean statuses, boolean alerts, boolean verdicts) {
        SortedSet<Integer> partitions = local.activePartitions();
        ObjectNode node = NODES.objectNode();
        node.put("instance", Forwarder.describe(routing.self()));
        ArrayNode p = node.putArray("partitions");
        partitions.forEach(p::add);
        ArrayNode s = node.putArray("statuses");
        ArrayNode a = node.putArray("openAlerts");
        for (int partition : partitions) {
            if (statuses) {
                local.ledgers(partition).forEach(ledger -> s.add(Summaries.of(ledger)));
            }
            if (alerts) {
                local.openAlerts(partition, null).forEach(alert -> a.add(AvroJson.toJson(alert)));
            }
        }
        if (verdicts) {
            node.set("verdicts", verdicts(partitions));
        }
        return node;
    }

    /**
     * The verdict in brief of every comparison whose use case is on {@code partitions}: the winner, the sentence and how
     * sure it is, from the latest windows the verdict reads (its look-back and the open ones), not the whole store.
     */
    private ArrayNode verdicts(SortedSet<Integer> partitions) {
        ArrayNode verdicts = NODES.arrayNode();
        int partitionCount = routing.partitionCount();
        for (ComparisonDefinition def : local.definitions()) {
            int partition = UseCasePartitioner.partitionOf(def.getUseCase(), partitionCount);
            if (!partitions.contains(partition)) {
                continue;
            }
            List<PaybackStatus> statuses = new ArrayList<>();
            for (CandidateDefinition candidate : def.getCandidates()) {
                LedgerState ledger = local.ledger(partition,
                        PaybackEngine.ledgerKey(def.getComparisonId(), candidate.getCandidateId()));
                if (ledger != null && ledger.getLastStatus() != null) {
                    statuses.add(ledger.getLastStatus());
                }
            }
            ObjectNode v = verdicts.addObject();
            v.put("comparisonId", def.getComparisonId());
            v.set("verdict", VerdictJson.brief(Verdicts.decide(VerdictInputs.from(def, statuses,
                    verdictWindows(partition, def)))));
        }
        return verdicts;
    }

    /** Read beyond the look-back and the open windows: closed in stream time, not yet in the ledger (its refresh). */
    private static final int UNFOLDED_WINDOWS_READ = 5;
    static final String INCLUDE_VERDICT = "VERDICT";

    /** What every instance's active tasks hold, each partition from exactly one instance. */
    private record Gathered(List<JsonNode> statuses, List<JsonNode> alerts, List<JsonNode> verdicts) {
    }

    private Gathered gather(Context ctx, boolean statuses, boolean alerts, boolean verdicts) throws IOException {
        int partitionCount = routing.partitionCount();
        List<Routing.Instance> instances = routing.instances();
        List<JsonNode> answers = new ArrayList<>();
        List<HostInfo> remotes = new ArrayList<>();
        for (Routing.Instance instance : instances) {
            if (instance.local()) {
                answers.add(localState(statuses, alerts, verdicts));
            } else {
                remotes.add(instance.host());
            }
        }
        if (!remotes.isEmpty()) {
            List<String> wanted = new ArrayList<>();
            if (statuses) {
                wanted.add("statuses");
            }
            if (alerts) {
                wanted.add("alerts");
            }
            if (verdicts) {
                wanted.add("verdicts");
            }
            String parts = String.join(",", wanted);
            for (Forwarder.Answer answer : forwarder.getAll(remotes, ApiServer.INTERNAL_LOCAL_STATE + "?parts=" + parts,
                    ctx.header("Authorization")).values()) {
                if (answer.status() != 200) {
                    throw new Unavailable(Unavailable.OWNER_UNAVAILABLE, "instance " + Forwarder.describe(answer.from())
                            + " answered " + answer.status() + ": " + errorMessage(answer.body()));
                }
                answers.add(json.readTree(answer.body()));
            }
        }
        Map<Integer, Integer> coverage = new TreeMap<>();
        List<JsonNode> allStatuses = new ArrayList<>();
        List<JsonNode> allAlerts = new ArrayList<>();
        List<JsonNode> allVerdicts = new ArrayList<>();
        for (JsonNode answer : answers) {
            answer.path("partitions").forEach(p -> coverage.merge(p.asInt(), 1, Integer::sum));
            answer.path("statuses").forEach(allStatuses::add);
            answer.path("openAlerts").forEach(allAlerts::add);
            answer.path("verdicts").forEach(allVerdicts::add);
        }
        SortedSet<Integer> missing = new TreeSet<>();
        for (int p = 0; p < partitionCount; p++) {
            if (coverage.getOrDefault(p, 0) != 1) {
                missing.add(p);
            }
        }
        if (!missing.isEmpty()) {
            throw new Unavailable(Unavailable.OWNER_UNKNOWN, "partitions " + missing + " of " + partitionCount
                    + " have no single queryable owner right now (rebalancing); answers came from "
                    + answers.stream().map(a -> a.path("instance").asText()).collect(Collectors.joining(", ")));
        }
        return new Gathered(allStatuses, allAlerts, allVerdicts);
    }

    private String errorMessage(byte[] body) {
        try {
            return json.readTree(body).path("error").path("message").asText("(no message)");
        } catch (IOException e) {
            return "(not JSON)";
        }
    }

    private ComparisonDefinition definition(String id) {
        ComparisonDefinition def = local.definition(id);
        if (def == null) {
            throw ApiException.notFound("no comparison with id '" + id + "'");
        }
        return def;
    }

    /**
     * Another instance owns the key: ask it once, and pass its answer on. A request that was itself forwarded is not
     * forwarded again: ownership moved since the sender looked, and the client retries.
     */
    private void relay(Context ctx, Routing.Owner owner) {
        if (ctx.header(Forwarder.FORWARDED) != null) {
            throw new Unavailable(Unavailable.NOT_OWNER, "instance " + ctx.header(Forwarder.FORWARDED)
                    + " forwarded this query here, but " + Forwarder.describe(owner.host()) + " owns it now");
        }
        String pathAndQuery = ctx.path() + (ctx.queryString() == null ? "" : "?" + ctx.queryString());
        Forwarder.Answer answer = forwarder.get(owner.host(), pathAndQuery, ctx.header("Authorization"));
        if (answer.status() >= 500 && answer.status() != 503) {
            throw new Unavailable(Unavailable.OWNER_UNAVAILABLE, "the owner " + Forwarder.describe(owner.host())
                    + " answered " + answer.status());
        }
        ctx.status(answer.status()).contentType(answer.contentType()).result(answer.body());
        if (answer.retryAfter() != null) {
            ctx.header("Retry-After", answer.retryAfter());
        }
        if (answer.servedBy() != null) {
            ctx.header(Forwarder.SERVED_BY, answer.servedBy());
        }
    }

    private void served(Context ctx) {
        ctx.header(Forwarder.SERVED_BY, Forwarder.describe(routing.self()));
    }

    private void write(Context ctx, JsonNode body) throws IOException {
        ctx.contentType("application/json").result(json.writeValueAsBytes(body));
    }
}
