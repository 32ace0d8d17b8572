package io.carbonllm.payback.core.verdict;

import static io.carbonllm.payback.core.Traffic.HOUR;
import static io.carbonllm.payback.core.Traffic.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.carbonllm.payback.core.compare.BaselineSource;
import io.carbonllm.payback.core.definition.Basis;
import io.carbonllm.payback.core.definition.CandidateKind;
import io.carbonllm.payback.core.definition.QualityBar;
import io.carbonllm.payback.core.ledger.Amounts;
import io.carbonllm.payback.core.ledger.Projection.Horizon;
import io.carbonllm.payback.core.verdict.VerdictInput.Figures;
import io.carbonllm.payback.core.verdict.VerdictInput.Reference;
import io.carbonllm.payback.core.verdict.VerdictInput.Variant;
import io.carbonllm.payback.core.verdict.VerdictInput.Window;
import io.carbonllm.payback.methodology.EvidenceTier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Properties of {@link Verdicts#decide} over any comparison: up to three candidates, up to eight windows. */
class VerdictPropertiesTest {

    private static final List<String> IDS = List.of("a", "b", "c");

    @Property(tries = 500)
    void theWinnersTotalIsNeverAboveAnyOtherQualifyingVariants(@ForAll("inputs") VerdictInput input) {
        Verdict verdict = Verdicts.decide(input);
        if (verdict.winner() == null) {
            return;
        }
        assertThat(verdict.winner().qualifies()).isTrue();
        for (VariantVerdict v : verdict.variants()) {
            if (v.qualifies()) {
                assertThat(verdict.winner().total()).isLessThanOrEqualTo(v.total());
            }
        }
        if (verdict.margin() != null) {
            assertThat(verdict.margin().absolute()).isGreaterThan(0);
            assertThat(verdict.margin().runnerUp()).isNotSameAs(verdict.winner());
            assertThat(verdict.margin().runnerUp().qualifies()).isTrue();
        }
    }

    @Property(tries = 500)
    void everyTotalIsTheFootprintPlusTheFigureTimesTheSameTasksAndIsFinite(@ForAll("inputs") VerdictInput input) {
        Verdict verdict = Verdicts.decide(input);
        assertThat(verdict.variants().get(0).isBaseline()).isTrue();
        assertThat(verdict.variants().get(0).footprint()).isZero();
        for (VariantVerdict v : verdict.variants()) {
            if (v.total() == null) {
                continue;
            }
            double expected = v.footprint() + v.perSuccessfulTask() * verdict.successfulTasksToHorizon();
            assertThat(v.total()).isEqualTo(expected);
            assertThat(Double.isFinite(v.total())).isTrue();
            assertThat(v.total()).isGreaterThanOrEqualTo(0);
        }
    }

    @Property(tries = 500)
    void aVerdictHasAWinnerOrSaysWhyNotAndIsProvisionalExactlyWhenItGivesAReason(@ForAll("inputs") VerdictInput input) {
        Verdict verdict = Verdicts.decide(input);
        assertThat(verdict.winner() == null).isEqualTo(verdict.noWinner() != null);
        assertThat(verdict.provisional()).isEqualTo(!verdict.provisionalReasons().isEmpty());
        if (verdict.winner() == null) {
            assertThat(verdict.provisional()).isTrue();
        }
        assertThat(verdict.summary()).isNotBlank().doesNotContain("null").doesNotContain("NaN");
    }

    @Provide
    Arbitrary<VerdictInput> inputs() {
        Arbitrary<Figures> figures = Combinators.combine(Arbitraries.longs().between(0, 60),
                        Arbitraries.doubles().between(0, 1), Arbitraries.doubles().between(0, 10),
                        Arbitraries.of(true, true, false), Arbitraries.of(EvidenceTier.METERED,
                                EvidenceTier.BENCHMARKED, EvidenceTier.ESTIMATED))
                .as((tasks, success, whPerTask, covered, tier) -> {
                    long ok = Math.round(tasks * success);
                    double wh = whPerTask * tasks;
                    return covered ? new Figures(tasks, ok, new Amounts(wh, wh * 0.3, wh * 0.1), 1.0, tier)
                            : new Figures(tasks, ok, null, tasks > 0 ? 0.0 : null, null);
                });
        Arbitrary<Reference> references = Combinators.combine(Arbitraries.doubles().between(0, 10),
                        Arbitraries.doubles().between(0, 1))
                .as((wh, rate) -> new Reference(BaselineSource.TRAILING_REFERENCE, new Amounts(wh, wh * 0.3, wh * 0.1),
                        rate, EvidenceTier.METERED));
        Arbitrary<List<Object[]>> windows = Combinators.combine(figures.injectNull(0.2), figures.injectNull(0.2),
                        figures.injectNull(0.3), figures.injectNull(0.5), references.injectNull(0.6),
                        Arbitraries.of(true, true, true, false))
                .as((base, a, b, c, ref, closed) -> new Object[] {base, a, b, c, ref, closed})
                .list().ofMaxSize(8);
        Arbitrary<List<Variant>> candidates = Combinators.combine(Arbitraries.integers().between(1, 3),
                        Arbitraries.doubles().between(0, 50_000).list().ofSize(3),
                        Arbitraries.of(true, true, false).list().ofSize(3))
                .as((n, footprints, complete) -> {
                    List<Variant> list = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        double wh = footprints.get(i);
                        list.add(Variant.candidate(IDS.get(i), "model-" + IDS.get(i), CandidateKind.FINE_TUNE,
                                new Amounts(wh, wh * 0.4, wh * 0.2), complete.get(i), EvidenceTier.METERED));
                    }
                    return list;
                });
        Arbitrary<Horizon> horizons = Combinators.combine(Arbitraries.integers().between(-3, 500).injectNull(0.3),
                        Arbitraries.longs().between(1, 1_000_000).injectNull(0.5))
                .as((hours, tasks) -> new Horizon(hours == null ? null : T0.plus(HOUR.multipliedBy(hours)), tasks));
        Arbitrary<QualityBar> bars = Combinators.combine(Arbitraries.doubles().between(0, 1).injectNull(0.4),
                        Arbitraries.doubles().between(0, 0.5).injectNull(0.4))
                .as(QualityBar::new);
        return Combinators.combine(Arbitraries.of(Basis.values()), horizons, bars, Arbitraries.longs().between(1, 50),
                        Arbitraries.integers().between(1, 10), candidates, windows)
                .as((basis, horizon, bar, minTasks, lookback, cands, specs) -> new VerdictInput("cmp", basis, horizon,
                        bar, minTasks, lookback, Variant.baseline("base"), cands, windows(specs, cands)));
    }

    private static List<Window> windows(List<Object[]> specs, List<Variant> candidates) {
        List<Window> windows = new ArrayList<>();
        for (int i = 0; i < specs.size(); i++) {
            Object[] spec = specs.get(i);
            Map<String, Figures> byCandidate = new HashMap<>();
            for (int c = 0; c < candidates.size(); c++) {
                if (spec[c + 1] != null) {
                    byCandidate.put(IDS.get(c), (Figures) spec[c + 1]);
                }
            }
            windows.add(new Window(T0.plus(HOUR.multipliedBy(i)), T0.plus(HOUR.multipliedBy(i + 1)), (Boolean) spec[5],
                    (Figures) spec[0], (Reference) spec[4], byCandidate));
        }
        return windows;
    }
}
