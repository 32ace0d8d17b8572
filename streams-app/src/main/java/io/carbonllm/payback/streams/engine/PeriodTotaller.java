package io.carbonllm.payback.streams.engine;

import io.carbonllm.payback.core.definition.TrainingRuns;
import io.carbonllm.payback.core.disclosure.DayTotalRecords;
import io.carbonllm.payback.core.disclosure.DayTotals;
import io.carbonllm.payback.core.disclosure.FactorCorrections;
import io.carbonllm.payback.core.disclosure.Ownership;
import io.carbonllm.payback.core.disclosure.PeriodTotal;
import io.carbonllm.payback.core.disclosure.Restatement;
import io.carbonllm.payback.core.disclosure.Restatements;
import io.carbonllm.payback.core.disclosure.RunTotals;
import io.carbonllm.payback.core.engine.Pricing;
import io.carbonllm.payback.core.evidence.FactorRows;
import io.carbonllm.payback.core.ledger.Charges;
import io.carbonllm.payback.events.CandidateDefinition;
import io.carbonllm.payback.events.CandidateWindow;
import io.carbonllm.payback.events.ComparisonDefinition;
import io.carbonllm.payback.events.ComparisonWindow;
import io.carbonllm.payback.events.DayTotal;
import io.carbonllm.payback.events.PeriodRestatement;
import io.carbonllm.payback.events.TrainingRun;
import io.carbonllm.payback.events.VariantKey;
import io.carbonllm.payback.events.VariantStats;
import io.carbonllm.payback.methodology.EvidenceTier;
import io.carbonllm.payback.methodology.facility.FactorTable;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the closed days' totals of the engine's comparisons (docs/methodology.md, "Disclosure"). A UTC day is closed
 * once stream time has passed its end by a window and the grace: no window starting in it can be revised any more.
 * Then each variant's inference that day (its model's windows that day, added with {@link DayTotals}) and each one-off
 * run charged to a candidate that started that day ({@link RunTotals}) is written once, as version 1, to
 * {@code period-totals}, and kept in a store. A written total is never written again: a factor the table now applies
 * to a written day in place of the one it used, or a run whose record has changed, makes a {@link Restatement} to
 * {@code period-restatements}, and the store keeps the latest version to restate from.
 *
 * <p>Each comparison's next day to total is kept in a store, so a day is totalled once across restarts. A comparison
 * first seen starts at the oldest day the window store still holds whole.
 */
final class PeriodTotaller {

    private static final Logger LOG = LoggerFactory.getLogger(PeriodTotaller.class);

    /** What the totals go to: the engine's sinks. */
    interface Output {
        void total(String periodKey, DayTotal total);

        void restatement(String restatementKey, PeriodRestatement restatement);
    }

    private static final String BASELINE = "baseline";
    private static final long DAY_MS = Duration.ofDays(1).toMillis();

    private final long closeAfterMs;
    private final long retentionMs;
    private final WindowStore<VariantKey, ValueAndTimestamp<VariantStats>> windows;
    private final WindowStore<String, ComparisonWindow> comparisonWindows;
    private final KeyValueStore<String, DayTotal> written;
    private final KeyValueStore<String, String> nextDays;
    private final Output output;
    private String factorsSeen;
    private long runsCheckedAt = -1;
    /** The comparisons whose runs were checked since {@link #runsCheckedAt}. */
    private final Set<String> runsChecked = new HashSet<>();
    private LocalDate runsCheckedThrough;
    /** The index store's key of the factors version the written totals were last checked against. */
    private static final String FACTORS_CHECKED = "factors\u001fchecked";
    /** The prefix of a comparison's next day in the index store. */
    private static final String NEXT_PREFIX = "next\u001f";

    /**
     * @param closeAfter a day is closed once stream time is this far past its end: the window size plus the grace
     * @param retention  how long the window store keeps windows
     */
    PeriodTotaller(Duration closeAfter, Duration retention, WindowStore<VariantKey, ValueAndTimestamp<VariantStats>> windows,
                   WindowStore<String, ComparisonWindow> comparisonWindows, KeyValueStore<String, DayTotal> written,
                   KeyValueStore<String, String> nextDays, Output output) {
        this.closeAfterMs = closeAfter.toMillis();
        this.retentionMs = retention.toMillis();
        this.windows = windows;
        this.comparisonWindows = comparisonWindows;
        this.written = written;
        this.nextDays = nextDays;
        this.output = output;
    }

    /**
     * Totals every day closed at {@code streamTime} not yet totalled, for each of {@code local} (the comparisons whose
     * use cases this task holds), then restates what the factor table or a run now changes.
     *
     * @param epochStarts        each local comparison's earliest ledger epoch start: a comparison first seen is totalled
     *                           from that day (or the oldest day the window store holds whole, if later)
     * @param definitions        every comparison there is, by id: the written totals restated are those of comparisons
     *                           that still exist with the same use case
     * @param factorsVersion     identifies the factor table's contents: written totals are checked against the table
     *                           when it changes
     * @param definitionsVersion moves when a definition, a run or a factor changes: the runs are priced again then
     */
    void refresh(long streamTime, Collection<ComparisonDefinition> local, Map<String, Long> epochStarts,
                 Map<String, ComparisonDefinition> definitions, Pricing pricing, String factorsVersion,
                 long definitionsVersion, Function<String, TrainingRun> runs) {
        if (streamTime < closeAfterMs + DAY_MS) {
            return; // no day can be closed yet
        }
        LocalDate lastClosed = DayTotals.dayOf(Instant.ofEpochMilli(streamTime - closeAfterMs)).minusDays(1);
        Instant now = Instant.ofEpochMilli(streamTime);
        // The runs are priced again only when a definition, a run or a factor changed, or a day closed
        boolean checkRuns = definitionsVersion != runsCheckedAt || !lastClosed.equals(runsCheckedThrough);
        if (checkRuns) {
            runsChecked.clear();
        }
        for (ComparisonDefinition def : local) {
            totalDays(def, lastClosed, epochStarts.getOrDefault(def.getComparisonId(), 0L), pricing, now);
            // a comparison that became local since the last check (its first ledger) is checked too
            if (runsChecked.add(def.getComparisonId())) {
                restateRuns(def, lastClosed, pricing, runs, now);
            }
        }
        runsCheckedAt = definitionsVersion;
        runsCheckedThrough = lastClosed;
        // The factors version the written totals were last checked against is kept, so a restart does not check again
        if (factorsSeen == null) {
            factorsSeen = nextDays.get(FACTORS_CHECKED);
        }
        if (!factorsVersion.equals(factorsSeen)) {
            factorsSeen = factorsVersion;
            restateFactors(pricing.factors(), definitions, now);
            nextDays.put(FACTORS_CHECKED, factorsVersion);
        }
    }

    /** Forgets the next day of a deleted comparison; its written totals stay, as written. */
    void forget(String comparisonId) {
        nextDays.delete(nextKey(comparisonId));
    }

    private void totalDays(ComparisonDefinition def, LocalDate lastClosed, long epochStart, Pricing pricing,
                           Instant now) {
        String id = def.getComparisonId();
        String next = nextDays.get(nextKey(id));
        // The oldest day whose windows the store still holds whole: a day starting before it may have lost windows
        LocalDate oldestWhole = DayTotals.dayOf(now.minusMillis(retentionMs)).plusDays(1);
        // First seen: from the oldest whole day, or the day its ledgers' epoch starts if later (a comparison that
        // moved here from another task does not write again the days the other wrote)
        LocalDate epochDay = DayTotals.dayOf(Instant.ofEpochMilli(epochStart));
        LocalDate day = next != null ? LocalDate.parse(next)
                : epochDay.isAfter(oldestWhole) ? epochDay : oldestWhole;
        if (day.isAfter(lastClosed)) {
            if (next == null) {
                nextDays.put(nextKey(id), day.toString());
            }
            return;
        }
        if (day.isBefore(oldestWhole)) {
            // Stream time moved on faster than the refreshes (a catch-up): those days' oldest windows may be gone, and a
            // total of what is left would be written as final. Skipped, and said once.
            LOG.warn("Comparison {}: days {} to {} were not totalled: stream time reached {} before they were, and the "
                    + "window store (payback.window.retention.ms = {} ms) may no longer hold all their windows",
                    id, day, oldestWhole.minusDays(1), now, retentionMs);
            day = oldestWhole;
        }
        for (; !day.isAfter(lastClosed); day = day.plusDays(1)) {
            inference(def, BASELINE, def.getBaselineModel(), def.getBaselineOwnership(), day, pricing, now);
            for (CandidateDefinition candidate : def.getCandidates()) {
                inference(def, candidate.getCandidateId(), candidate.getModelId(), candidate.getOwnership(), day,
                        pricing, now);
            }
        }
        nextDays.put(nextKey(id), day.toString());
    }

    /** The index store's key of a comparison's next day: prefixed, so no id can be another entry's key. */
    private static String nextKey(String comparisonId) {
        return NEXT_PREFIX + comparisonId;
    }

    private void inference(ComparisonDefinition def, String variant, String model, String ownership, LocalDate day,
                           Pricing pricing, Instant now) {
        PeriodTotal total = PeriodTotal.empty(def.getComparisonId(), PeriodTotal.SubjectKind.INFERENCE, model, day,
                ownership == null ? null : Ownership.parse(ownership));
        if (written.get(total.key()) != null) {
            return;
        }
        long from = day.atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
        FactorTable table = pricing.factors();
        boolean any = false;
        try (WindowStoreIterator<ValueAndTimestamp<VariantStats>> days =
                     windows.fetch(new VariantKey(def.getUseCase(), model), from, from + DAY_MS - 1)) {
            while (days.hasNext()) {
                ValueAndTimestamp<VariantStats> stats = days.next().value;
                if (stats == null || stats.value() == null) {
                    continue;
                }
                VariantStats s = stats.value();
                total = DayTotals.add(total, s.getEnergyParts(), s.getItWh(), s.getRequests(), s.getCoveredRequests(),
                        rowId -> FactorRows.row(rowId, table));
                any = true;
            }
        }
        if (any) {
            // Rows the table has replaced for the day since the windows were priced: the first version uses them
            total = FactorCorrections.apply(total, FactorCorrections.of(total,
                    (row, at) -> FactorRows.inEffect(row, table, at)));
            DayTotal record = DayTotalRecords.toAvro(total, def.getUseCase(), variant, null, now);
            if (!BASELINE.equals(variant)) {
                record = avoided(record, def.getComparisonId(), variant, from);
            }
            put(record);
            output.total(record.getPeriodKey(), record);
        }
    }

    /**
     * The candidate's savings in the day's comparison windows, as the ledger counts them: avoided emissions, kept on
     * the candidate's total and reported apart from the inventory.
     */
    private DayTotal avoided(DayTotal record, String comparisonId, String candidateId, long dayStart) {
        double wh = 0;
        double location = 0;
        double market = 0;
        EvidenceTier tier = null;
        boolean priced = false;
        try (WindowStoreIterator<ComparisonWindow> day = comparisonWindows.fetch(comparisonId, dayStart,
                dayStart + DAY_MS - 1)) {
            while (day.hasNext()) {
                ComparisonWindow window = day.next().value;
                for (CandidateWindow candidate : window.getCandidates()) {
                    if (!candidate.getCandidateId().equals(candidateId) || !candidate.getPriced()
                            || candidate.getSavingWh() == null) {
                        continue;
                    }
                    priced = true;
                    wh += candidate.getSavingWh();
                    location += candidate.getSavingGCo2eLocation() == null ? 0 : candidate.getSavingGCo2eLocation();
                    market += candidate.getSavingGCo2eMarket() == null ? 0 : candidate.getSavingGCo2eMarket();
                    if (candidate.getSavingTier() != null) {
                        EvidenceTier t = EvidenceTier.valueOf(candidate.getSavingTier());
                        tier = tier == null ? t : tier.weakest(t);
                    }
                }
            }
        }
        if (!priced) {
            return record;
        }
        return DayTotal.newBuilder(record).setAvoidedWh(wh).setAvoidedGCo2eLocation(location)
                .setAvoidedGCo2eMarket(market).setAvoidedTier(tier == null ? null : tier.name()).build();
    }

    /** Each run charged to a candidate: written once its day is closed; a changed record restates it. */
    private void restateRuns(ComparisonDefinition def, LocalDate lastClosed, Pricing pricing,
                             Function<String, TrainingRun> runs, Instant now) {
        for (CandidateDefinition candidate : def.getCandidates()) {
            for (String runId : candidate.getRunIds()) {
                TrainingRun run = runs.apply(runId);
                if (run == null || !TrainingRuns.problems(run).isEmpty()) {
                    continue;
                }
                PeriodTotal current;
                try {
                    current = RunTotals.of(def.getComparisonId(), run, pricing.footprints().of(
                            TrainingRuns.toOneOffRun(run)));
                } catch (IllegalArgumentException e) {
                    continue; // no factor to price it: the ledger reports the run as invalid
                }
                if (current.day().isAfter(lastClosed)) {
                    continue;
                }
                String version = Charges.fingerprint(run);
                Optional<KeyValue<String, DayTotal>> before = writtenRun(def.getComparisonId(), runId);
                if (before.isEmpty()) {
                    write(current, def.getUseCase(), candidate.getCandidateId(), version, now);
                } else if (!version.equals(before.get().value.getSourceVersion())) {
                    restateRun(before.get().value, current, def.getUseCase(), candidate.getCandidateId(), version,
                            now);
                }
            }
        }
    }

    private void restateRun(DayTotal before, PeriodTotal current, String useCase, String variant, String version,
                            Instant now) {
        PeriodTotal old = DayTotalRecords.fromAvro(before);
        String cause = "run " + current.subject() + ": version " + before.getSourceVersion() + " -> " + version;
        if (old.day().equals(current.day())) {
            Optional<Restatement> restated = Restatements.of(old, current, "run corrected", cause, now);
            if (restated.isPresent()) {
                restate(restated.get(), before, version);
            } else {
                // Same figures: the next check compares with this version
                put(DayTotal.newBuilder(before).setSourceVersion(version).build());
            }
            return;
        }
        // The run now starts on another day: its old day is restated to nothing, its new day written
        PeriodTotal none = PeriodTotal.empty(old.comparisonId(), old.kind(), old.subject(), old.day(),
                old.ownership());
        Restatements.of(old, none, "run corrected: it now starts on " + current.day(), cause, now)
                .ifPresent(r -> restate(r, before, version));
        DayTotal target = written.get(current.key());
        if (target == null) {
            write(current, useCase, variant, version, now);
            return;
        }
        // Its new day was written before (the run moved away from it and back): restated from its latest version
        Optional<Restatement> back = Restatements.of(DayTotalRecords.fromAvro(target), current,
                "run corrected: it starts on this day again", cause, now);
        if (back.isPresent()) {
            restate(back.get(), target, version);
        } else {
            put(DayTotal.newBuilder(target).setSourceVersion(version).build());
        }
    }

    /** The written total of a run: the runs' totals are few, so the key is found by the run's day index. */
    private Optional<KeyValue<String, DayTotal>> writtenRun(String comparisonId, String runId) {
        String prefix = comparisonId.length() + ":" + comparisonId + "/" + PeriodTotal.SubjectKind.ONE_OFF_RUN + "/"
                + runId.length() + ":" + runId + "/";
        String latestKey = nextDays.get(runIndexKey(prefix));
        if (latestKey == null) {
            return Optional.empty();
        }
        DayTotal total = written.get(latestKey);
        return total == null ? Optional.empty() : Optional.of(KeyValue.pair(latestKey, total));
    }

    /** Where the run's current day total is indexed: runs can move day, so their key is not known from the run. */
    private static String runIndexKey(String runPrefix) {
        return "run\u001f" + runPrefix;
    }

    /**
     * Every written total of a comparison that still exists with the same use case (so this task still totals it) the
     * factor table now prices differently is restated; a moved or deleted comparison's totals stay as they are.
     */
    private void restateFactors(FactorTable table, Map<String, ComparisonDefinition> definitions, Instant now) {
        List<KeyValue<String, DayTotal>> all = new ArrayList<>();
        try (KeyValueIterator<String, DayTotal> it = written.all()) {
            it.forEachRemaining(all::add);
        }
        for (KeyValue<String, DayTotal> entry : all) {
            ComparisonDefinition def = definitions.get(entry.value.getComparisonId());
            if (def == null || !def.getUseCase().equals(entry.value.getUseCase())) {
                continue;
            }
            PeriodTotal total = DayTotalRecords.fromAvro(entry.value);
            Restatements.forFactors(total, FactorCorrections.of(total,
                            (row, at) -> FactorRows.inEffect(row, table, at)), now)
                    .ifPresent(r -> restate(r, entry.value, entry.value.getSourceVersion()));
        }
    }

    private void write(PeriodTotal total, String useCase, String variant, String sourceVersion, Instant now) {
        DayTotal record = DayTotalRecords.toAvro(total, useCase, variant, sourceVersion, now);
        put(record);
        output.total(record.getPeriodKey(), record);
    }

    private void restate(Restatement restatement, DayTotal before, String sourceVersionAfter) {
        PeriodRestatement record = DayTotalRecords.toAvro(restatement, before, sourceVersionAfter);
        // Avoided emissions are the ledger's, as the day's windows priced them: carried, not restated
        record.setAfter(DayTotal.newBuilder(record.getAfter()).setAvoidedWh(before.getAvoidedWh())
                .setAvoidedGCo2eLocation(before.getAvoidedGCo2eLocation())
                .setAvoidedGCo2eMarket(before.getAvoidedGCo2eMarket()).setAvoidedTier(before.getAvoidedTier())
                .build());
        put(record.getAfter());
        output.restatement(restatement.key(), record);
    }

    private void put(DayTotal record) {
        written.put(record.getPeriodKey(), record);
        if (PeriodTotal.SubjectKind.ONE_OFF_RUN.name().equals(record.getKind())) {
            String key = record.getPeriodKey();
            nextDays.put(runIndexKey(key.substring(0, key.lastIndexOf('/') + 1)), key);
        }
    }

    /** The comparisons whose next day is kept but which are gone: {@code ids} holds every comparison there is. */
    List<String> gone(Set<String> ids) {
        List<String> gone = new ArrayList<>();
        try (KeyValueIterator<String, String> it = nextDays.all()) {
            it.forEachRemaining(kv -> {
                if (kv.key.startsWith(NEXT_PREFIX) && !ids.contains(kv.key.substring(NEXT_PREFIX.length()))) {
                    gone.add(kv.key.substring(NEXT_PREFIX.length()));
                }
            });
        }
        return gone;
    }
}
