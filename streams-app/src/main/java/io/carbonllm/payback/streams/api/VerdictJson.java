package io.carbonllm.payback.streams.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.carbonllm.payback.core.verdict.VariantVerdict;
import io.carbonllm.payback.core.verdict.Verdict;
import java.time.Instant;

/**
 * The verdict as the API shows it: variants are named by id ({@code "baseline"} for the baseline) wherever the
 * verdict points at one (the winner, the runner-up, the tied), so that each variant's figures appear once. Amounts are
 * in the comparison's basis, whose unit is given.
 */
final class VerdictJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private VerdictJson() {
    }

    static ObjectNode toJson(Verdict v) {
        ObjectNode body = NODES.objectNode();
        body.put("summary", v.summary());
        body.put("basis", v.basis().name());
        body.put("unit", v.basis().unit());
        ObjectNode horizon = body.putObject("horizon");
        putInstant(horizon, "end", v.horizon().end());
        putNumber(horizon, "successfulTasks", v.horizon().successfulTasks() == null ? null
                : v.horizon().successfulTasks().doubleValue());
        putInstant(body, "asOf", v.asOf());
        body.set("winner", v.winner() == null ? NODES.nullNode() : NODES.textNode(id(v.winner())));
        if (v.margin() == null) {
            body.putNull("margin");
        } else {
            ObjectNode margin = body.putObject("margin");
            margin.put("runnerUp", id(v.margin().runnerUp()));
            margin.put("absolute", v.margin().absolute());
            putNumber(margin, "relative", v.margin().relative());
        }
        ArrayNode tied = body.putArray("tied");
        v.tied().forEach(t -> tied.add(id(t)));
        if (v.noWinner() == null) {
            body.putNull("noWinner");
        } else {
            ObjectNode noWinner = body.putObject("noWinner");
            noWinner.put("reason", v.noWinner().reason().name());
            noWinner.put("detail", v.noWinner().detail());
        }
        body.put("provisional", v.provisional());
        ArrayNode reasons = body.putArray("provisionalReasons");
        v.provisionalReasons().forEach(reasons::add);
        body.set("weakestTier", v.weakestTier() == null ? NODES.nullNode() : NODES.textNode(v.weakestTier().name()));
        putNumber(body, "lowestEnergyCoverage", v.lowestEnergyCoverage());
        ObjectNode windows = body.putObject("windows");
        windows.put("count", v.windows().count());
        putInstant(windows, "from", v.windows().from());
        putInstant(windows, "to", v.windows().to());
        putNumber(body, "successfulTasksPerDay", v.successfulTasksPerDay());
        putNumber(body, "successfulTasksToHorizon", v.successfulTasksToHorizon());
        ArrayNode ranking = body.putArray("ranking");
        v.ranking().forEach(r -> ranking.add(id(r)));
        ArrayNode variants = body.putArray("variants");
        for (VariantVerdict variant : v.variants()) {
            ObjectNode n = variants.addObject();
            n.put("id", id(variant));
            n.put("label", variant.label());
            n.put("modelId", variant.modelId());
            n.set("kind", variant.kind() == null ? NODES.nullNode() : NODES.textNode(variant.kind().name()));
            n.put("footprint", variant.footprint());
            n.put("footprintComplete", variant.footprintComplete());
            n.put("source", variant.source().name());
            putNumber(n, "perSuccessfulTask", variant.perSuccessfulTask());
            n.put("windows", variant.windows());
            n.put("successfulTasks", variant.successfulTasks());
            putNumber(n, "successRate", variant.successRate());
            n.set("meetsQualityBar", variant.meetsQualityBar() == null ? NODES.nullNode()
                    : NODES.booleanNode(variant.meetsQualityBar()));
            n.set("qualityNote", variant.qualityNote() == null ? NODES.nullNode() : NODES.textNode(variant.qualityNote()));
            putNumber(n, "projectedInference", variant.projectedInference());
            putNumber(n, "total", variant.total());
            n.set("tier", variant.tier() == null ? NODES.nullNode() : NODES.textNode(variant.tier().name()));
            putNumber(n, "energyCoverage", variant.energyCoverage());
        }
        return body;
    }

    private static String id(VariantVerdict variant) {
        return variant.isBaseline() ? "baseline" : variant.candidateId();
    }

    private static void putNumber(ObjectNode node, String field, Double value) {
        if (value == null) {
            node.putNull(field);
        } else {
            node.put(field, value);
        }
    }

    private static void putInstant(ObjectNode node, String field, Instant value) {
        node.set(field, value == null ? NODES.nullNode() : NODES.textNode(value.toString()));
    }

    /** The verdict in brief, for a list: the winner and the sentence, with how sure it is. */
    static ObjectNode brief(Verdict v) {
        ObjectNode body = NODES.objectNode();
        body.put("summary", v.summary());
        body.put("basis", v.basis().name());
        body.put("unit", v.basis().unit());
        body.set("winner", v.winner() == null ? NODES.nullNode() : NODES.textNode(id(v.winner())));
        body.set("winnerLabel", v.winner() == null ? NODES.nullNode() : NODES.textNode(v.winner().label()));
        putNumber(body, "marginRelative", v.margin() == null ? null : v.margin().relative());
        body.set("noWinner", v.noWinner() == null ? NODES.nullNode() : NODES.textNode(v.noWinner().reason().name()));
        body.put("provisional", v.provisional());
        body.set("weakestTier", v.weakestTier() == null ? NODES.nullNode() : NODES.textNode(v.weakestTier().name()));
        putNumber(body, "lowestEnergyCoverage", v.lowestEnergyCoverage());
        body.put("windows", v.windows().count());
        return body;
    }
}
