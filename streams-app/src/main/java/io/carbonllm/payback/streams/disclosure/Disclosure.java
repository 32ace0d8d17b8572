package io.carbonllm.payback.streams.disclosure;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.carbonllm.payback.core.disclosure.DayTotalRecords;
import io.carbonllm.payback.core.disclosure.GhgScope;
import io.carbonllm.payback.core.disclosure.Ownership;
import io.carbonllm.payback.core.disclosure.PeriodTotal;
import io.carbonllm.payback.core.disclosure.Uncertainty;
import io.carbonllm.payback.core.evidence.FactorRows;
import io.carbonllm.payback.events.BasisLedger;
import io.carbonllm.payback.events.CandidateDefinition;
import io.carbonllm.payback.events.ComparisonDefinition;
import io.carbonllm.payback.events.DayTotal;
import io.carbonllm.payback.events.FactorRow;
import io.carbonllm.payback.events.PaybackStatus;
import io.carbonllm.payback.events.PeriodRestatement;
import io.carbonllm.payback.events.TrainingRun;
import io.carbonllm.payback.methodology.EvidenceTier;
import io.carbonllm.payback.methodology.facility.FactorTable;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The disclosure of a period (docs/methodology.md, section 6, and docs/disclosure.schema.json): per comparison, the
 * training spike (the one-off runs that started in the period), the inference of each variant by scope, location- and
 * market-based, the avoided emissions apart (never netted), an uncertainty range per figure from its evidence tiers,
 * the restatements made in the period, and the provenance; then the inventory, each run and each (use case, model,
 * day) counted once however many comparisons share them.
 *
 * <p>Every figure is the latest version of its day's total: the total as written, or its latest restatement.
 */
public final class Disclosure {

    /** The version of the report's format: docs/disclosure.schema.json. */
    public static final String FORMAT = "carbon-llm-payback-disclosure/1";

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final List<EvidenceTier> TIERS = List.of(EvidenceTier.METERED, EvidenceTier.BENCHMARKED,
            EvidenceTier.ESTIMATED);

    /** What the report covers: the UTC days {@code from} to {@code to}, both included, and one comparison or all. */
    public record Request(LocalDate from, LocalDate to, String comparisonId) {

        public Request {
            if (from == null || to == null) {
                throw new IllegalArgumentException("the period needs both --from and --to (YYYY-MM-DD)");
            }
            if (to.isBefore(from)) {
                throw new IllegalArgumentException("the period is reversed: --from " + from + " is after --to " + to);
            }
        }

        boolean covers(LocalDate day) {
            return !day.isBefore(from) && !day.isAfter(to);
        }

        boolean covers(Instant at) {
            return covers(at.atOffset(ZoneOffset.UTC).toLocalDate());
        }
    }

    /** A request the report cannot answer: an unknown comparison, or a period with no closed day. */
    public static final class BadRequest extends IllegalArgumentException {
        private final String parameter;

        BadRequest(String parameter, String message) {
            super(message);
            this.parameter = parameter;
        }

        /** The request's parameter at fault: comparison, or from (the period). */
        public String parameter() {
            return parameter;
        }
    }

    /** Who made the report and how. */
    public record Provenance(String softwareVersion, String command, Instant generatedAt) {
    }

    private Disclosure() {
    }

    /** This software's name and version, for the provenance: the jar's, else that of a build from the sources. */
    public static String softwareVersion() {
        String version = Disclosure.class.getPackage().getImplementationVersion();
        return "carbon-llm payback tracker " + (version == null ? "0.1.0-SNAPSHOT (built from the sources)" : version);
    }

    /**
     * The report; an {@link IllegalArgumentException} naming the problem for an unknown comparison or a period with
     * no closed day in it.
     */
    public static ObjectNode build(DisclosureInputs inputs, Request request, Provenance provenance) {
        Map<String, DayTotal> latest = latest(inputs);
        Set<String> known = new TreeSet<>(inputs.comparisons().keySet());
        latest.values().forEach(t -> known.add(t.getComparisonId()));
        if (request.comparisonId() != null && !known.contains(request.comparisonId())) {
            throw new BadRequest("comparison", "unknown comparison '" + request.comparisonId() + "'; known: "
                    + (known.isEmpty() ? "none" : String.join(", ", known)));
        }
        List<DayTotal> inPeriod = latest.values().stream()
                .filter(t -> request.covers(LocalDate.parse(t.getDay())))
                .filter(t -> request.comparisonId() == null || request.comparisonId().equals(t.getComparisonId()))
                .sorted(Comparator.comparing(DayTotal::getPeriodKey))
                .toList();
        if (inPeriod.isEmpty()) {
            throw new BadRequest("from", "no closed day totals from " + request.from() + " to " + request.to()
                    + (request.comparisonId() == null ? "" : " for comparison '" + request.comparisonId() + "'")
                    + ": the engine writes a UTC day's totals once the day has closed (its end + a window + the grace"
                    + " in event time)" + daysHeld(latest.values()));
        }

        ObjectNode report = JSON.objectNode();
        report.put("format", FORMAT);
        ObjectNode period = report.putObject("period");
        period.put("from", request.from().toString());
        period.put("to", request.to().toString());
        period.put("days", "UTC days, both included");
        if (request.comparisonId() != null) {
            period.put("comparisonId", request.comparisonId());
        }
        ObjectNode prov = report.putObject("provenance");
        prov.put("softwareVersion", provenance.softwareVersion());
        prov.put("command", provenance.command());
        prov.put("generatedAt", provenance.generatedAt().toString());
        prov.put("figures", "each figure is the latest version of its day's total (period-totals, or its latest "
                + "restatement in period-restatements)");
        report.set("uncertaintyRanges", ranges());

        Map<String, List<DayTotal>> byComparison = new TreeMap<>();
        inPeriod.forEach(t -> byComparison.computeIfAbsent(t.getComparisonId(), k -> new ArrayList<>()).add(t));
        ArrayNode comparisons = report.putArray("comparisons");
        Map<String, FactorRow> rowsUsed = new TreeMap<>();
        for (Map.Entry<String, List<DayTotal>> entry : byComparison.entrySet()) {
            comparisons.add(comparison(entry.getKey(), entry.getValue(), inputs, request, latest.values(), rowsUsed));
        }
        report.set("inventory", inventory(inPeriod));
        report.set("restatements", restatements(inputs.restatements(), request));
        ArrayNode rows = prov.putArray("factorRows");
        rowsUsed.values().forEach(r -> rows.add(row(r)));
        return report;
    }

    /** The latest version of each day's total: as written, or as last restated. */
    static Map<String, DayTotal> latest(DisclosureInputs inputs) {
        Map<String, DayTotal> latest = new HashMap<>();
        inputs.totals().forEach(t -> latest.merge(t.getPeriodKey(), t, Disclosure::later));
        inputs.restatements().forEach(r -> latest.merge(r.getPeriodKey(), r.getAfter(), Disclosure::later));
        return latest;
    }

    private static DayTotal later(DayTotal a, DayTotal b) {
        return b.getVersion() > a.getVersion() ? b : a;
    }

    private static String daysHeld(java.util.Collection<DayTotal> all) {
        TreeSet<String> days = new TreeSet<>();
        all.forEach(t -> days.add(t.getDay()));
        return days.isEmpty() ? "; none has closed yet" : "; closed days held: " + days.first() + " to " + days.last();
    }

    private static ObjectNode comparison(String id, List<DayTotal> totals, DisclosureInputs inputs, Request request,
                                         java.util.Collection<DayTotal> all, Map<String, FactorRow> rowsUsed) {
        ComparisonDefinition def = inputs.comparisons().get(id);
        ObjectNode node = JSON.objectNode();
        node.put("comparisonId", id);
        node.put("useCase", totals.get(0).getUseCase());
        node.put("basis", def == null ? "ENERGY" : def.getBasis());
        // a deleted comparison's basis is not known any more: its chart is drawn in energy, and the report says so
        if (def == null) {
            node.put("definition", "deleted: its totals stay as written");
        }
        totals.forEach(t -> t.getFactorRows().forEach(r -> rowsUsed.putIfAbsent(r.getId(), r)));

        // The training spike: the one-off runs that started in the period
        ArrayNode runs = JSON.arrayNode();
        Figures spike = new Figures();
        for (DayTotal t : totals) {
            if (!PeriodTotal.SubjectKind.ONE_OFF_RUN.name().equals(t.getKind())) {
                continue;
            }
            Figures one = new Figures().add(t);
            spike.add(t);
            ObjectNode run = one.write(JSON.objectNode());
            run.put("runId", t.getSubject());
            run.put("candidateId", t.getVariant());
            run.put("day", t.getDay());
            run.put("version", t.getVersion());
            putOwnership(run, t);
            TrainingRun record = inputs.runs().get(t.getSubject());
            if (record != null) {
                run.put("kind", record.getKind());
                run.put("measuredBy", record.getMeteredKwh() != null
                        ? "metered (" + (record.getMeteredScope() == null ? "facility"
                        : record.getMeteredScope().toLowerCase(java.util.Locale.ROOT)) + " kWh, as reported with the run)"
                        : "estimated from GPU-hours x average power x overhead x PUE");
                run.put("region", record.getRegion());
                if (record.getProvider() != null) {
                    run.put("provider", record.getProvider());
                }
                try {
                    run.set("boamps", BoAmpsReport.of(record, tableOf(t), record.getStartedAt(),
                            "disclosure-" + id + "-" + record.getRunId()));
                } catch (IllegalArgumentException e) {
                    // the run as the topic holds it now cannot be reported (its total stands, as written)
                    run.put("boampsError", e.getMessage());
                }
            }
            runs.add(run);
        }
        ObjectNode trainingSpike = node.putObject("trainingSpike");
        trainingSpike.set("runs", runs);
        trainingSpike.set("total", spike.write(JSON.objectNode()));

        // Inference per variant
        ArrayNode variants = JSON.arrayNode();
        Map<String, List<DayTotal>> byVariant = new LinkedHashMap<>();
        totals.stream().filter(t -> PeriodTotal.SubjectKind.INFERENCE.name().equals(t.getKind()))
                .sorted(Comparator.comparing((DayTotal t) -> !"baseline".equals(t.getVariant()))
                        .thenComparing(DayTotal::getVariant).thenComparing(DayTotal::getDay))
                .forEach(t -> byVariant.computeIfAbsent(t.getVariant(), k -> new ArrayList<>()).add(t));
        Figures inference = new Figures();
        for (Map.Entry<String, List<DayTotal>> v : byVariant.entrySet()) {
            Figures f = new Figures();
            v.getValue().forEach(f::add);
            v.getValue().forEach(inference::add);
            ObjectNode variant = f.write(JSON.objectNode());
            DayTotal first = v.getValue().get(0);
            variant.put("variant", v.getKey());
            variant.put("model", first.getSubject());
            variant.put("days", v.getValue().size());
            putOwnership(variant, first);
            variants.add(variant);
        }
        ObjectNode inferenceNode = node.putObject("inference");
        inferenceNode.set("variants", variants);
        inferenceNode.set("total", inference.write(JSON.objectNode()));

        node.set("avoidedEmissions", avoided(id, def, totals, all, inputs, request));
        return node;
    }

    /** The shipped factor table with the rows the run's total used on top: its BoAmps report uses the same rows. */
    private static FactorTable tableOf(DayTotal total) {
        List<FactorTable.GridFactor> grid = new ArrayList<>();
        List<FactorTable.PueFactor> pue = new ArrayList<>();
        for (FactorRow row : total.getFactorRows()) {
            io.carbonllm.payback.methodology.facility.FactorRow r = FactorRows.fromAvro(row);
            if (r.kind() == io.carbonllm.payback.methodology.facility.FactorRow.Kind.GRID && r.key() != null) {
                grid.add(new FactorTable.GridFactor(r.key(), r.effectiveFrom(), r.value(), r.marketValue(),
                        r.marketInstrument(), r.source()));
            } else if (r.kind() == io.carbonllm.payback.methodology.facility.FactorRow.Kind.PUE
                    && r.scope() != io.carbonllm.payback.methodology.facility.FactorRow.Scope.GIVEN) {
                pue.add(new FactorTable.PueFactor(r.scope().label(), r.key(), r.effectiveFrom(), r.value(),
                        r.source()));
            }
        }
        return FactorTable.defaults().plus(grid, pue);
    }

    private static void putOwnership(ObjectNode node, DayTotal t) {
        if (t.getOwnership() != null) {
            Ownership ownership = Ownership.parse(t.getOwnership());
            node.put("ownership", t.getOwnership());
            node.put("electricityScope", ownership.electricityScope().name());
            if (t.getGCo2eEmbodied() > 0) {
                node.put("embodiedScope", ownership.embodiedScope().name());
            }
        } else {
            node.put("ownership", "provider default, per part (no provider, or a serving stack such as vllm: owned; "
                    + "a model API: api; any other provider: cloud)");
        }
    }

    /** Avoided emissions: reported apart, never netted against the inventory. */
    private static ObjectNode avoided(String id, ComparisonDefinition def, List<DayTotal> totals,
                                      java.util.Collection<DayTotal> all, DisclosureInputs inputs, Request request) {
        ObjectNode node = JSON.objectNode();
        node.put("note", "Avoided emissions against the baseline counterfactual (the baseline's recent figure per "
                + "successful task), reported separately and never netted against the inventory above, as the GHG "
                + "Protocol's guidance on avoided emissions asks.");
        ArrayNode candidates = node.putArray("candidates");
        List<String> ids = new ArrayList<>();
        if (def != null) {
            def.getCandidates().stream().map(CandidateDefinition::getCandidateId).forEach(ids::add);
        } else {
            totals.stream().filter(t -> !"baseline".equals(t.getVariant())).map(DayTotal::getVariant).distinct()
                    .forEach(ids::add);
        }
        for (String candidateId : ids) {
            ObjectNode c = candidates.addObject();
            c.put("candidateId", candidateId);
            double wh = 0;
            double location = 0;
            double market = 0;
            EvidenceTier tier = null;
            ArrayNode daily = JSON.arrayNode();
            SavingRange savingRange = new SavingRange();
            // Cumulative from the first day held, so the chart's line starts where the records start
            double cumulativeWh = 0;
            double cumulativeLocation = 0;
            double cumulativeMarket = 0;
            double spikeWh = 0;
            double spikeLocation = 0;
            double spikeMarket = 0;
            Map<String, List<DayTotal>> byDay = new TreeMap<>();
            all.stream().filter(t -> t.getComparisonId().equals(id) && candidateId.equals(t.getVariant())
                            && !LocalDate.parse(t.getDay()).isAfter(request.to()))
                    .forEach(t -> byDay.computeIfAbsent(t.getDay(), k -> new ArrayList<>()).add(t));
            for (Map.Entry<String, List<DayTotal>> day : byDay.entrySet()) {
                boolean inPeriod = request.covers(LocalDate.parse(day.getKey()));
                for (DayTotal t : day.getValue()) {
                    if (PeriodTotal.SubjectKind.ONE_OFF_RUN.name().equals(t.getKind())) {
                        spikeWh += t.getFacilityWh();
                        spikeLocation += t.getGCo2eLocation() + t.getGCo2eEmbodied();
                        spikeMarket += t.getGCo2eMarket() + t.getGCo2eEmbodied();
                    } else if (t.getAvoidedWh() != null) {
                        cumulativeWh += t.getAvoidedWh();
                        cumulativeLocation += nz(t.getAvoidedGCo2eLocation());
                        cumulativeMarket += nz(t.getAvoidedGCo2eMarket());
                        if (inPeriod) {
                            wh += t.getAvoidedWh();
                            location += nz(t.getAvoidedGCo2eLocation());
                            market += nz(t.getAvoidedGCo2eMarket());
                            EvidenceTier dayTier = t.getAvoidedTier() == null ? EvidenceTier.ESTIMATED
                                    : EvidenceTier.valueOf(t.getAvoidedTier());
                            tier = tier == null ? dayTier : tier.weakest(dayTier);
                            savingRange.add(t, dayTier);
                        }
                    }
                }
                ObjectNode point = daily.addObject();
                point.put("day", day.getKey());
                point.put("inPeriod", inPeriod);
                point.put("cumulativeAvoidedWh", cumulativeWh);
                point.put("cumulativeAvoidedGCo2eLocation", cumulativeLocation);
                point.put("cumulativeAvoidedGCo2eMarket", cumulativeMarket);
                point.put("oneOffWh", spikeWh);
                point.put("oneOffGCo2eLocation", spikeLocation);
                point.put("oneOffGCo2eMarket", spikeMarket);
            }
            ObjectNode inPeriod = c.putObject("inPeriod");
            inPeriod.put("avoidedWh", wh);
            inPeriod.put("avoidedGCo2eLocation", location);
            inPeriod.put("avoidedGCo2eMarket", market);
            if (tier != null) {
                inPeriod.put("tier", tier.name());
                savingRange.write(inPeriod);
            }
            c.set("daily", daily);
            PaybackStatus status = inputs.statuses().get(id + "/" + candidateId);
            if (status != null) {
                ObjectNode toDate = c.putObject("cumulativeToDate");
                toDate.put("source", "the live ledger (payback-status) when the report was made");
                toDate.put("status", status.getStatus());
                if (status.getSavingTier() != null) {
                    toDate.put("savingTier", status.getSavingTier());
                }
                if (status.getFootprintTier() != null) {
                    toDate.put("footprintTier", status.getFootprintTier());
                }
                if (status.getEnergyCoverage() != null) {
                    toDate.put("energyCoverage", status.getEnergyCoverage());
                }
                ledger(toDate, "energy", status.getEnergy());
                ledger(toDate, "co2eLocation", status.getCo2eLocation());
                ledger(toDate, "co2eMarket", status.getCo2eMarket());
                if (status.getHorizonEnd() != null) {
                    toDate.put("horizonEnd", status.getHorizonEnd().toString());
                }
            }
        }
        return node;
    }

    /**
     * The range of a saving, which is a difference: the counterfactual (the saving plus the candidate's own figure
     * that day) at the range of the saving's tier, less the candidate's own figure at the range of its tiers. So
     * its low is the counterfactual's low less the candidate's high, and it can reach below zero.
     */
    private static final class SavingRange {
        private final double[] low = new double[3];
        private final double[] high = new double[3];

        void add(DayTotal candidate, EvidenceTier savingTier) {
            PeriodTotal own = DayTotalRecords.fromAvro(candidate);
            Map<EvidenceTier, Double> ownWh = new EnumMap<>(EvidenceTier.class);
            for (EvidenceTier tier : TIERS) {
                ownWh.put(tier, own.tierMix().wh(tier));
            }
            add(0, candidate.getAvoidedWh(), own.facilityWh(), Uncertainty.range(ownWh), savingTier);
            add(1, nz(candidate.getAvoidedGCo2eLocation()), own.gCo2eLocation(),
                    Uncertainty.range(own.gCo2eLocationByTier()), savingTier);
            add(2, nz(candidate.getAvoidedGCo2eMarket()), own.gCo2eMarket(),
                    Uncertainty.range(own.gCo2eMarketByTier()), savingTier);
        }

        private void add(int i, double saving, double own, Uncertainty.Range ownRange, EvidenceTier savingTier) {
            Uncertainty.Range counterfactual = Uncertainty.range(savingTier, saving + own);
            low[i] += counterfactual.low() - ownRange.high();
            high[i] += counterfactual.high() - ownRange.low();
        }

        void write(ObjectNode node) {
            node.putArray("avoidedWhRange").add(low[0]).add(high[0]);
            node.putArray("avoidedGCo2eLocationRange").add(low[1]).add(high[1]);
            node.putArray("avoidedGCo2eMarketRange").add(low[2]).add(high[2]);
            node.put("rangeMethod", "a difference: the counterfactual (saving + the candidate's own figure) at the "
                    + "saving tier's range, less the candidate's own figure at its tiers' range");
        }
    }

    private static void ledger(ObjectNode parent, String name, BasisLedger ledger) {
        if (ledger == null) {
            return;
        }
        ObjectNode node = parent.putObject(name);
        node.put("unit", ledger.getUnit());
        node.put("status", ledger.getStatus());
        node.put("saved", ledger.getSaved());
        node.put("oneOffFootprint", ledger.getFootprint());
        if (ledger.getPaybackRatio() != null) {
            node.put("paybackRatio", ledger.getPaybackRatio());
        }
        ObjectNode projection = node.putObject("projection");
        projection.put("label", "projection, not a measurement: the recent saving rate carried forward");
        if (ledger.getRecentSavingPerDay() != null) {
            projection.put("recentSavingPerDay", ledger.getRecentSavingPerDay());
        }
        if (ledger.getProjectedBreakEvenAt() != null) {
            projection.put("breakEvenAt", ledger.getProjectedBreakEvenAt().toString());
        }
        if (ledger.getPaysBackWithinHorizon() != null) {
            projection.put("paysBackWithinHorizon", ledger.getPaysBackWithinHorizon());
        }
    }

    /** The inventory: each run and each (use case, model, day) once, however many comparisons share it. */
    private static ObjectNode inventory(List<DayTotal> inPeriod) {
        Map<String, DayTotal> once = new TreeMap<>();
        for (DayTotal t : inPeriod) {
            String identity = PeriodTotal.SubjectKind.ONE_OFF_RUN.name().equals(t.getKind())
                    ? "run\u001f" + t.getSubject()
                    : "inference\u001f" + t.getUseCase() + "\u001f" + t.getSubject() + "\u001f" + t.getDay();
            once.putIfAbsent(identity, t);
        }
        Figures runs = new Figures();
        Figures inference = new Figures();
        once.values().forEach(t -> (PeriodTotal.SubjectKind.ONE_OFF_RUN.name().equals(t.getKind()) ? runs : inference)
                .add(t));
        Figures all = new Figures();
        once.values().forEach(all::add);
        ObjectNode node = JSON.objectNode();
        node.put("note", "Each one-off run and each model's inference in a use case on a day counted once, however "
                + "many comparisons share it. Avoided emissions are not in it.");
        node.set("oneOffRuns", runs.write(JSON.objectNode()));
        node.set("inference", inference.write(JSON.objectNode()));
        node.set("total", all.write(JSON.objectNode()));
        return node;
    }

    /** The restatements made in the period (by when they were made), whatever day they correct. */
    private static ArrayNode restatements(List<PeriodRestatement> all, Request request) {
        ArrayNode list = JSON.arrayNode();
        all.stream().filter(r -> request.covers(r.getRestatedAt()))
                .filter(r -> request.comparisonId() == null
                        || request.comparisonId().equals(r.getBefore().getComparisonId()))
                .sorted(Comparator.comparing(PeriodRestatement::getRestatedAt)
                        .thenComparing(PeriodRestatement::getPeriodKey))
                .forEach(r -> {
                    ObjectNode node = list.addObject();
                    node.put("periodKey", r.getPeriodKey());
                    node.put("comparisonId", r.getBefore().getComparisonId());
                    node.put("kind", r.getBefore().getKind());
                    node.put("subject", r.getBefore().getSubject());
                    node.put("day", r.getBefore().getDay());
                    node.put("restatedAt", r.getRestatedAt().toString());
                    node.put("reason", r.getReason());
                    node.put("cause", r.getCause());
                    node.set("before", brief(r.getBefore()));
                    node.set("after", brief(r.getAfter()));
                });
        return list;
    }

    private static ObjectNode brief(DayTotal t) {
        ObjectNode node = JSON.objectNode();
        node.put("version", t.getVersion());
        node.put("facilityWh", t.getFacilityWh());
        node.put("gCo2eLocation", t.getGCo2eLocation());
        node.put("gCo2eMarket", t.getGCo2eMarket());
        node.put("gCo2eEmbodied", t.getGCo2eEmbodied());
        if (t.getSourceVersion() != null) {
            node.put("sourceVersion", t.getSourceVersion());
        }
        ArrayNode rows = node.putArray("factorRows");
        t.getFactorRows().forEach(r -> rows.add(r.getId()));
        return node;
    }

    private static ObjectNode ranges() {
        ObjectNode node = JSON.objectNode();
        for (EvidenceTier tier : TIERS) {
            Uncertainty.Relative r = Uncertainty.of(tier);
            ObjectNode t = node.putObject(tier.name());
            t.put("below", r.below());
            t.put("above", r.above());
        }
        node.put("source", "docs/methodology.md section 6, Uncertainty, which gives each range's basis and says where "
                + "it is our judgment rather than a published figure. A total of several tiers adds the bounds of its "
                + "parts; a saving's range is that of a difference.");
        return node;
    }

    private static ObjectNode row(FactorRow r) {
        ObjectNode node = JSON.objectNode();
        node.put("id", r.getId());
        node.put("kind", r.getKind());
        node.put("value", r.getValue());
        if (r.getMarketValue() != null) {
            node.put("marketValue", r.getMarketValue());
        }
        if (r.getMarketInstrument() != null) {
            node.put("marketInstrument", r.getMarketInstrument());
        }
        node.put("source", r.getSource());
        return node;
    }

    private static void putRange(ObjectNode node, String name, EvidenceTier tier, double value) {
        Uncertainty.Range r = Uncertainty.range(tier, value);
        ArrayNode range = node.putArray(name);
        range.add(r.low());
        range.add(r.high());
    }

    private static double nz(Double d) {
        return d == null ? 0 : d;
    }

    /** Figures summed over day totals, with their split by scope and tier, and the ranges that follow. */
    static final class Figures {
        private double facilityWh;
        private double location;
        private double market;
        private double fallbackWh;
        private double unresolvedItWh;
        private double embodied;
        private long requests;
        private long covered;
        private final Map<GhgScope, double[]> byScope = new EnumMap<>(GhgScope.class);
        private final Map<EvidenceTier, Double> whByTier = new EnumMap<>(EvidenceTier.class);
        private final Map<EvidenceTier, Double> locationByTier = new EnumMap<>(EvidenceTier.class);
        private final Map<EvidenceTier, Double> marketByTier = new EnumMap<>(EvidenceTier.class);
        private final Set<String> rows = new TreeSet<>();

        Figures add(DayTotal record) {
            PeriodTotal t = DayTotalRecords.fromAvro(record);
            facilityWh += t.facilityWh();
            location += t.gCo2eLocation();
            market += t.gCo2eMarket();
            fallbackWh += t.marketFallbackWh();
            unresolvedItWh += t.unresolvedItWh();
            requests += t.requests();
            covered += t.coveredRequests();
            t.gCo2eLocationByScope().forEach((scope, g) -> byScope.computeIfAbsent(scope, s -> new double[3])[0] += g);
            t.gCo2eMarketByScope().forEach((scope, g) -> byScope.computeIfAbsent(scope, s -> new double[3])[1] += g);
            if (t.gCo2eEmbodied() > 0) {
                embodied += t.gCo2eEmbodied();
                byScope.computeIfAbsent(t.embodiedScope(), s -> new double[3])[2] += t.gCo2eEmbodied();
            }
            for (EvidenceTier tier : TIERS) {
                whByTier.merge(tier, t.tierMix().wh(tier), Double::sum);
            }
            t.gCo2eLocationByTier().forEach((tier, g) -> locationByTier.merge(tier, g, Double::sum));
            t.gCo2eMarketByTier().forEach((tier, g) -> marketByTier.merge(tier, g, Double::sum));
            record.getFactorRows().forEach(r -> rows.add(r.getId()));
            return this;
        }

        ObjectNode write(ObjectNode node) {
            node.put("facilityWh", facilityWh);
            node.put("gCo2eLocation", location);
            node.put("gCo2eMarket", market);
            node.put("marketFallbackWh", fallbackWh);
            node.put("marketBasis", facilityWh == 0 ? "none" : fallbackWh == 0 ? "market-based"
                    : fallbackWh >= facilityWh * (1 - 1e-12) ? "location-based fallback"
                    : "partly location-based fallback");
            if (embodied > 0) {
                node.put("gCo2eEmbodied", embodied);
                putRange(node, "gCo2eEmbodiedRange", EvidenceTier.ESTIMATED, embodied);
            }
            if (unresolvedItWh > 0) {
                node.put("unresolvedItWh", unresolvedItWh);
            }
            if (requests > 0) {
                node.put("requests", requests);
                node.put("coveredRequests", covered);
                node.put("energyCoverage", (double) covered / requests);
            }
            ObjectNode scopes = node.putObject("byScope");
            byScope.forEach((scope, g) -> {
                ObjectNode s = scopes.putObject(scope.name());
                s.put("label", scope.label());
                if (g[0] != 0 || g[1] != 0) {
                    s.put("electricityGCo2eLocation", g[0]);
                    s.put("electricityGCo2eMarket", g[1]);
                }
                if (g[2] != 0) {
                    s.put("embodiedGCo2e", g[2]);
                }
            });
            ObjectNode mix = node.putObject("tierMix");
            for (EvidenceTier tier : TIERS) {
                double wh = whByTier.getOrDefault(tier, 0.0);
                ObjectNode t = mix.putObject(tier.name());
                t.put("facilityWh", wh);
                t.put("share", facilityWh == 0 ? 0 : wh / facilityWh);
            }
            if (facilityWh > 0) {
                node.put("tier", weakest().name());
                Uncertainty.Range energy = Uncertainty.range(whByTier);
                node.putArray("facilityWhRange").add(energy.low()).add(energy.high());
                Uncertainty.Range loc = Uncertainty.range(locationByTier);
                node.putArray("gCo2eLocationRange").add(loc.low()).add(loc.high());
                Uncertainty.Range mkt = Uncertainty.range(marketByTier);
                node.putArray("gCo2eMarketRange").add(mkt.low()).add(mkt.high());
            }
            ArrayNode ids = node.putArray("factorRows");
            rows.forEach(ids::add);
            return node;
        }

        private EvidenceTier weakest() {
            EvidenceTier weakest = null;
            for (EvidenceTier tier : TIERS) {
                if (whByTier.getOrDefault(tier, 0.0) > 0) {
                    weakest = weakest == null ? tier : weakest.weakest(tier);
                }
            }
            return weakest;
        }
    }
}
