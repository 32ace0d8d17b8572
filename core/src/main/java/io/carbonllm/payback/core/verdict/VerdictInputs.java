package io.carbonllm.payback.core.verdict;

import io.carbonllm.payback.core.compare.BaselineSource;
import io.carbonllm.payback.core.compare.Comparisons;
import io.carbonllm.payback.core.definition.Basis;
import io.carbonllm.payback.core.definition.CandidateKind;
import io.carbonllm.payback.core.definition.QualityBar;
import io.carbonllm.payback.core.ledger.Amounts;
import io.carbonllm.payback.core.ledger.Projection;
import io.carbonllm.payback.core.verdict.VerdictInput.Figures;
import io.carbonllm.payback.core.verdict.VerdictInput.Reference;
import io.carbonllm.payback.core.verdict.VerdictInput.Variant;
import io.carbonllm.payback.core.verdict.VerdictInput.Window;
import io.carbonllm.payback.events.BasisLedger;
import io.carbonllm.payback.events.CandidateDefinition;
import io.carbonllm.payback.events.CandidateWindow;
import io.carbonllm.payback.events.ComparisonDefinition;
import io.carbonllm.payback.events.ComparisonWindow;
import io.carbonllm.payback.events.PaybackStatus;
import io.carbonllm.payback.events.VariantWindow;
import io.carbonllm.payback.methodology.EvidenceTier;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a {@link VerdictInput} from what the streams app's stores hold, so the HTTP API maps nothing itself:
 * <ul>
 *   <li>the {@code ComparisonDefinition}: basis, horizon, quality bar, {@code minBaselineTasks}, the look-back, the
 *       baseline model and the candidates;</li>
 *   <li>each candidate's {@code PaybackStatus}: its footprint in the three bases with its tier, whether runs are
 *       missing, its epoch start, and how far its windows are closed ({@code closedThrough}). A candidate without a
 *       status yet has no footprint known: zero, and incomplete if the definition charges runs to it;</li>
 *   <li>the comparison's {@code ComparisonWindow}s (the windowed store's latest revision of each; if a window appears
 *       twice the later in the collection wins). Pass at least the latest {@code savingRateLookbackWindows} closed
 *       ones; more are ignored.</li>
 * </ul>
 * A window is closed when it ends at or before the latest {@code closedThrough} among the candidates' statuses (their
 * ledgers close windows together, on the use case's stream time). A variant's figures in a window count only if they
 * are of its current model, and for a candidate only from its ledger's epoch on: windows from before an edit of the
 * models describe another variant.
 */
public final class VerdictInputs {

    private VerdictInputs() {
    }

    public static VerdictInput from(ComparisonDefinition def, Collection<PaybackStatus> statuses,
                                    Collection<ComparisonWindow> windows) {
        Map<String, PaybackStatus> byCandidate = new HashMap<>();
        Instant closedThrough = null;
        for (PaybackStatus s : statuses) {
            if (s == null || !def.getComparisonId().equals(s.getComparisonId())) {
                continue;
            }
            byCandidate.put(s.getCandidateId(), s);
            if (s.getClosedThrough() != null && (closedThrough == null || s.getClosedThrough().isAfter(closedThrough))) {
                closedThrough = s.getClosedThrough();
            }
        }
        List<Variant> candidates = new ArrayList<>();
        Map<String, CandidateDefinition> definitions = new HashMap<>();
        for (CandidateDefinition c : def.getCandidates()) {
            definitions.put(c.getCandidateId(), c);
            candidates.add(candidate(c, byCandidate.get(c.getCandidateId())));
        }
        Map<Instant, ComparisonWindow> latest = new LinkedHashMap<>();
        for (ComparisonWindow w : windows) {
            if (w != null && def.getComparisonId().equals(w.getComparisonId())) {
                latest.put(w.getWindowStart(), w);
            }
        }
        List<Window> mapped = new ArrayList<>();
        for (ComparisonWindow w : latest.values()) {
            mapped.add(window(def, definitions, byCandidate, w, closedThrough));
        }
        return new VerdictInput(def.getComparisonId(), Basis.parse(def.getBasis()),
                new Projection.Horizon(def.getHorizonEnd(), def.getHorizonSuccessfulTasks()), QualityBar.of(def),
                def.getMinBaselineTasks(), def.getSavingRateLookbackWindows(), Variant.baseline(def.getBaselineModel()),
                candidates, mapped);
    }

    private static Variant candidate(CandidateDefinition c, PaybackStatus status) {
        CandidateKind kind = CandidateKind.parse(c.getKind());
        if (status == null) {
            return Variant.candidate(c.getCandidateId(), c.getModelId(), kind, Amounts.ZERO, c.getRunIds().isEmpty(), null);
        }
        Amounts footprint = new Amounts(footprint(status.getEnergy()), footprint(status.getCo2eLocation()),
                footprint(status.getCo2eMarket()));
        boolean complete = status.getRunIdsMissing().isEmpty() && status.getEnergy() != null
                && status.getCo2eLocation() != null && status.getCo2eMarket() != null;
        return Variant.candidate(c.getCandidateId(), c.getModelId(), kind, footprint, complete,
                tier(status.getFootprintTier()));
    }

    private static double footprint(BasisLedger ledger) {
        return ledger == null ? 0 : ledger.getFootprint();
    }

    private static Window window(ComparisonDefinition def, Map<String, CandidateDefinition> definitions,
                                 Map<String, PaybackStatus> statuses, ComparisonWindow w, Instant closedThrough) {
        boolean closed = closedThrough != null && !w.getWindowEnd().isAfter(closedThrough);
        VariantWindow own = w.getBaseline();
        Figures baseline = own != null && def.getBaselineModel().equals(own.getModelId()) ? figures(own) : null;
        Map<String, Figures> candidates = new HashMap<>();
        for (CandidateWindow cw : w.getCandidates()) {
            CandidateDefinition c = definitions.get(cw.getCandidateId());
            VariantWindow vw = cw.getWindow();
            if (c == null || vw == null || !c.getModelId().equals(vw.getModelId())) {
                continue;
            }
            PaybackStatus status = statuses.get(c.getCandidateId());
            Instant epochStart = status == null ? null : status.getEpochStart();
            if (epochStart == null || !w.getWindowStart().isBefore(epochStart)) {
                candidates.put(c.getCandidateId(), figures(vw));
            }
        }
        return new Window(w.getWindowStart(), w.getWindowEnd(), closed, baseline, reference(w), candidates);
    }

    private static Figures figures(VariantWindow w) {
        return new Figures(w.getTasks(), w.getSuccesses(), Comparisons.variantEnergy(w), w.getEnergyCoverage(),
                tier(w.getEnergyTier()));
    }

    /** The reference the window's candidates were compared with, when it was not the baseline's own window. */
    private static Reference reference(ComparisonWindow w) {
        BaselineSource source = BaselineSource.valueOf(w.getBaselineSource());
        if ((source != BaselineSource.TRAILING_REFERENCE && source != BaselineSource.PINNED_REFERENCE)
                || w.getBaselineWhPerSuccessfulTask() == null || w.getBaselineGCo2eLocationPerSuccessfulTask() == null
                || w.getBaselineGCo2eMarketPerSuccessfulTask() == null) {
            return null;
        }
        return new Reference(source, new Amounts(w.getBaselineWhPerSuccessfulTask(),
                w.getBaselineGCo2eLocationPerSuccessfulTask(), w.getBaselineGCo2eMarketPerSuccessfulTask()),
                w.getBaselineSuccessRate(), tier(w.getBaselineTier()));
    }

    private static EvidenceTier tier(String name) {
        return name == null ? null : EvidenceTier.valueOf(name);
    }
}
