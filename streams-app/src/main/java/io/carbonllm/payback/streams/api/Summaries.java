package io.carbonllm.payback.streams.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.carbonllm.payback.core.definition.Basis;
import io.carbonllm.payback.core.ledger.PaybackState;
import io.carbonllm.payback.events.BasisLedger;
import io.carbonllm.payback.events.LedgerState;
import io.carbonllm.payback.events.PaybackStatus;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * A candidate's ledger in brief, for lists: the driving basis's figures at the top, the three bases side by side,
 * and the evidence (tiers, coverage). The detail endpoint gives the whole {@code PaybackStatus}.
 */
final class Summaries {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Most urgent first: what an ops view sorts to the top. Null (no ledger yet) last. */
    static final List<String> STATUS_ORDER = List.of(PaybackState.NOT_SAVING.name(),
            PaybackState.WONT_PAY_BACK_IN_HORIZON.name(), PaybackState.INSUFFICIENT_DATA.name(),
            PaybackState.PAYING_BACK.name(), PaybackState.PAID_BACK.name());

    private Summaries() {
    }

    static int urgency(String status) {
        int rank = status == null ? -1 : STATUS_ORDER.indexOf(status);
        return rank < 0 ? STATUS_ORDER.size() : rank;
    }

    static final Comparator<String> BY_URGENCY = Comparator.comparingInt(Summaries::urgency);

    static ObjectNode of(LedgerState ledger) {
        PaybackStatus status = ledger.getLastStatus();
        if (status == null) {
            ObjectNode node = NODES.objectNode();
            node.put("comparisonId", ledger.getComparisonId());
            node.put("candidateId", ledger.getCandidateId());
            node.putNull("status");
            return node;
        }
        return of(status);
    }

    /** A published status in brief (what the list shows per candidate, and what {@code /api/stream} sends). */
    static ObjectNode of(PaybackStatus status) {
        ObjectNode node = NODES.objectNode();
        node.put("comparisonId", status.getComparisonId());
        node.put("candidateId", status.getCandidateId());
        node.put("status", status.getStatus());
        node.put("basis", status.getBasis());
        BasisLedger driving = basis(status, status.getBasis());
        node.setAll(figures(driving));
        node.set("projectedBreakEvenAt", driving == null ? NODES.nullNode()
                : AvroJson.toJson(driving).get("projectedBreakEvenAt"));
        node.set("paysBackWithinHorizon", driving == null || driving.getPaysBackWithinHorizon() == null
                ? NODES.nullNode() : NODES.booleanNode(driving.getPaysBackWithinHorizon()));
        node.put("savingTier", status.getSavingTier());
        node.put("footprintTier", status.getFootprintTier());
        node.set("energyCoverage", number(status.getEnergyCoverage()));
        node.put("successfulTasks", status.getSuccessfulTasks());
        node.put("windowsCounted", status.getWindowsCounted());
        node.set("horizonEnd", status.getHorizonEnd() == null ? NODES.nullNode()
                : NODES.textNode(status.getHorizonEnd().toString()));
        ObjectNode bases = node.putObject("bases");
        for (Basis basis : Basis.values()) {
            BasisLedger ledgerInBasis = basis(status, basis.name());
            bases.set(basis.name(), ledgerInBasis == null ? NODES.nullNode() : basisFigures(ledgerInBasis));
        }
        return node;
    }

    private static ObjectNode figures(BasisLedger ledger) {
        ObjectNode node = NODES.objectNode();
        if (ledger == null) {
            node.putNull("unit");
            node.putNull("saved");
            node.putNull("footprint");
            node.putNull("paybackRatio");
            return node;
        }
        node.put("unit", ledger.getUnit());
        node.set("saved", number(ledger.getSaved()));
        node.set("footprint", number(ledger.getFootprint()));
        node.set("paybackRatio", number(ledger.getPaybackRatio()));
        return node;
    }

    /** A basis's figures with its own status and projection (the driving basis's are at the top of a summary). */
    private static ObjectNode basisFigures(BasisLedger ledger) {
        ObjectNode node = figures(ledger);
        if (ledger == null) {
            node.putNull("status");
            node.putNull("projectedBreakEvenAt");
            node.putNull("paysBackWithinHorizon");
            return node;
        }
        node.put("status", ledger.getStatus());
        node.set("projectedBreakEvenAt", AvroJson.toJson(ledger).get("projectedBreakEvenAt"));
        node.set("paysBackWithinHorizon", ledger.getPaysBackWithinHorizon() == null ? NODES.nullNode()
                : NODES.booleanNode(ledger.getPaysBackWithinHorizon()));
        return node;
    }

    static BasisLedger basis(PaybackStatus status, String basis) {
        return switch (basis == null ? "" : basis.toUpperCase(Locale.ROOT)) {
            case "CO2E_LOCATION" -> status.getCo2eLocation();
            case "CO2E_MARKET" -> status.getCo2eMarket();
            default -> status.getEnergy();
        };
    }

    static JsonNode number(Double value) {
        return value == null || !Double.isFinite(value) ? NODES.nullNode() : NODES.numberNode(value);
    }
}
