package io.carbonllm.payback.streams.metrics;

import io.carbonllm.payback.core.alert.AlertRule;
import io.carbonllm.payback.core.alert.AlertState;
import io.carbonllm.payback.core.definition.Basis;
import io.carbonllm.payback.core.ledger.PaybackState;
import io.carbonllm.payback.events.BasisLedger;
import io.carbonllm.payback.events.PaybackAlert;
import io.carbonllm.payback.events.PaybackStatus;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Gauges per (comparison, candidate), read from what the engine last published for the ledgers this instance owns
 * ({@link LedgerSource}). Each {@link #refresh()} reads the source once: series of ledgers that appeared are added,
 * those of ledgers gone (a deleted comparison, a removed candidate, a partition that moved to another instance) are
 * removed, and a figure that is null (no footprint, no projection) has no series rather than a NaN one.
 *
 * <p>Units are the dashboards': the ledger keeps facility Wh and grams of CO2e, the gauges say kWh and kg.
 */
public final class LedgerGauges {

    /** saved / footprint, per basis; no series while the candidate has no footprint. */
    public static final String RATIO = "payback.ratio";
    /** The cumulative facility energy saved so far, open windows included, in kWh. */
    public static final String SAVED_KWH = "payback.saved.kwh";
    /** The cumulative CO2e saved so far, location- and market-based, in kg. */
    public static final String SAVED_KGCO2E = "payback.saved.kgco2e";
    /** The one-off footprint of the candidate's charged runs, in kWh of facility energy. */
    public static final String FOOTPRINT_KWH = "payback.footprint.kwh";
    /** The one-off footprint, location- and market-based, in kg CO2e. */
    public static final String FOOTPRINT_KGCO2E = "payback.footprint.kgco2e";
    /** 1 for the ledger's current status (in its driving basis), 0 for the others: one series per status. */
    public static final String STATUS = "payback.status";
    /** How many of the ledger's alerts are firing now. */
    public static final String FIRING_ALERTS = "payback.firing.alerts";
    /** 1 while the engine's alert of that rule fires on the ledger, 0 otherwise: one series per rule. */
    public static final String ALERT_FIRING = "payback.alert.firing";
    /** When the projection says the ledger breaks even, per basis (Unix seconds); no series without a projection. */
    public static final String BREAK_EVEN = "payback.projected.break.even.timestamp.seconds";
    /** The comparison's horizon end (Unix seconds); no series without a horizon. */
    public static final String HORIZON_END = "payback.horizon.end.timestamp.seconds";
    /** Always 1; its labels say what the ledger compares: use case, model, candidate kind and the driving basis. */
    public static final String LEDGER_INFO = "payback.ledger.info";
    /** How many ledgers this instance exports now (the ones it owns). */
    public static final String LEDGERS = "payback.ledgers";

    public static final String COMPARISON_TAG = "comparison";
    public static final String CANDIDATE_TAG = "candidate";

    private static final Map<String, String> HELP = new LinkedHashMap<>();

    static {
        HELP.put(RATIO, "Cumulative saving / one-off footprint of the candidate, per basis (1 = paid back)");
        HELP.put(SAVED_KWH, "Cumulative facility energy saved by the candidate against the baseline, kWh");
        HELP.put(SAVED_KGCO2E, "Cumulative CO2e saved by the candidate against the baseline, kg, per basis");
        HELP.put(FOOTPRINT_KWH, "One-off footprint of the candidate's charged runs, facility kWh");
        HELP.put(FOOTPRINT_KGCO2E, "One-off footprint of the candidate's charged runs, kg CO2e, per basis");
        HELP.put(STATUS, "1 for the ledger's current status in its driving basis, 0 for the others");
        HELP.put(FIRING_ALERTS, "Alerts firing now on the ledger");
        HELP.put(ALERT_FIRING, "1 while the engine's alert of this rule fires on the ledger");
        HELP.put(BREAK_EVEN, "Projected break-even, Unix seconds, per basis");
        HELP.put(HORIZON_END, "End of the comparison's horizon, Unix seconds");
        HELP.put(LEDGER_INFO, "What the ledger compares: always 1");
    }

    private final LedgerSource source;
    private final Map<String, MultiGauge> gauges = new LinkedHashMap<>();
    private volatile Map<String, Map<Tags, Double>> values = Map.of();
    private volatile int ledgers;

    public LedgerGauges(MeterRegistry registry, LedgerSource source) {
        this.source = source;
        HELP.forEach((name, help) -> gauges.put(name, MultiGauge.builder(name).description(help).register(registry)));
        io.micrometer.core.instrument.Gauge.builder(LEDGERS, this, g -> g.ledgers)
                .description("Ledgers this instance owns and exports").register(registry);
    }

    /** Reads the source once and brings every per-ledger series in line with it. */
    public synchronized void refresh() {
        LedgerSource.Snapshot snapshot = source.read();
        Map<String, Map<Tags, Double>> next = figures(snapshot);
        values = next;
        ledgers = snapshot.statuses().size();
        gauges.forEach((name, gauge) -> gauge.register(next.getOrDefault(name, Map.of()).keySet().stream()
                .map(tags -> MultiGauge.Row.of(tags, tags, t -> value(name, t)))
                .toList(), false));
    }

    /**
     * Exports no per-ledger series until the next {@link #refresh} succeeds: the last figures may be of ledgers that
     * moved to another instance since, which exports them now.
     */
    public synchronized void clear() {
        values = Map.of();
        ledgers = 0;
        gauges.values().forEach(gauge -> gauge.register(List.of(), true));
    }

    private double value(String name, Tags tags) {
        Double value = values.getOrDefault(name, Map.of()).get(tags);
        return value == null ? Double.NaN : value;
    }

    /** Every series' value by metric name and tags; a null figure has no entry. */
    static Map<String, Map<Tags, Double>> figures(LedgerSource.Snapshot snapshot) {
        Map<List<String>, Set<String>> firing = new HashMap<>();
        for (PaybackAlert alert : snapshot.openAlerts()) {
            if (AlertState.FIRING.name().equals(alert.getState())) {
                firing.computeIfAbsent(key(alert.getComparisonId(), alert.getCandidateId()), k -> new TreeSet<>())
                        .add(alert.getRule());
            }
        }
        Map<String, Map<Tags, Double>> out = new HashMap<>();
        for (PaybackStatus status : snapshot.statuses()) {
            Tags ledger = Tags.of(COMPARISON_TAG, status.getComparisonId(), CANDIDATE_TAG, status.getCandidateId());
            put(out, LEDGER_INFO, ledger.and("use_case", status.getUseCase(), "model", status.getModelId(),
                    "candidate_kind", status.getCandidateKind(), "basis", status.getBasis()), 1.0);
            basis(out, ledger, Basis.ENERGY, status.getEnergy());
            basis(out, ledger, Basis.CO2E_LOCATION, status.getCo2eLocation());
            basis(out, ledger, Basis.CO2E_MARKET, status.getCo2eMarket());
            for (PaybackState state : PaybackState.values()) {
                put(out, STATUS, ledger.and("status", state.name()), state.name().equals(status.getStatus()) ? 1.0 : 0.0);
            }
            if (!isKnownState(status.getStatus())) {
                put(out, STATUS, ledger.and("status", status.getStatus()), 1.0);
            }
            Set<String> rules = firing.getOrDefault(key(status.getComparisonId(), status.getCandidateId()), Set.of());
            put(out, FIRING_ALERTS, ledger, (double) rules.size());
            for (AlertRule rule : AlertRule.values()) {
                put(out, ALERT_FIRING, ledger.and("rule", rule.name()), rules.contains(rule.name()) ? 1.0 : 0.0);
            }
            if (status.getHorizonEnd() != null) {
                put(out, HORIZON_END, ledger, seconds(status.getHorizonEnd()));
            }
        }
        return out;
    }

    /** One basis's figures: energy in kWh, CO2e in kg (the ledger keeps Wh and grams); nothing for a basis that is n/a. */
    private static void basis(Map<String, Map<Tags, Double>> out, Tags ledger, Basis basis, BasisLedger figures) {
        if (figures == null) {
            return;
        }
        Tags tagged = ledger.and("basis", basis.name());
        if (basis == Basis.ENERGY) {
            put(out, SAVED_KWH, ledger, figures.getSaved() / 1000.0);
            put(out, FOOTPRINT_KWH, ledger, figures.getFootprint() / 1000.0);
        } else {
            put(out, SAVED_KGCO2E, tagged, figures.getSaved() / 1000.0);
            put(out, FOOTPRINT_KGCO2E, tagged, figures.getFootprint() / 1000.0);
        }
        if (figures.getPaybackRatio() != null) {
            put(out, RATIO, tagged, figures.getPaybackRatio());
        }
        if (figures.getProjectedBreakEvenAt() != null) {
            put(out, BREAK_EVEN, tagged, seconds(figures.getProjectedBreakEvenAt()));
        }
    }

    private static boolean isKnownState(String status) {
        for (PaybackState state : PaybackState.values()) {
            if (state.name().equals(status)) {
                return true;
            }
        }
        return false;
    }

    private static double seconds(Instant at) {
        return at.toEpochMilli() / 1000.0;
    }

    private static List<String> key(String comparisonId, String candidateId) {
        return List.of(comparisonId, candidateId);
    }

    private static void put(Map<String, Map<Tags, Double>> out, String name, Tags tags, double value) {
        out.computeIfAbsent(name, n -> new HashMap<>()).put(tags, value);
    }

    /** The metric names this class exports, as Micrometer names them (dots). */
    public static List<String> names() {
        List<String> names = new java.util.ArrayList<>(HELP.keySet());
        names.add(LEDGERS);
        return names;
    }
}
