package io.carbonllm.payback.streams.disclosure;

import io.carbonllm.payback.events.ComparisonDefinition;
import io.carbonllm.payback.events.DayTotal;
import io.carbonllm.payback.events.PaybackStatus;
import io.carbonllm.payback.events.PeriodRestatement;
import io.carbonllm.payback.events.TrainingRun;
import java.util.List;
import java.util.Map;

/**
 * What a disclosure is made from, as the topics hold it: the day totals as first written ({@code period-totals}),
 * every restatement ({@code period-restatements}), the latest ledger of each candidate ({@code payback-status}), and
 * the definitions and runs ({@code comparisons}, {@code training-runs}).
 *
 * @param statuses the latest status per ledger key ({@code comparisonId/candidateId})
 */
public record DisclosureInputs(List<DayTotal> totals, List<PeriodRestatement> restatements,
                               Map<String, PaybackStatus> statuses, Map<String, ComparisonDefinition> comparisons,
                               Map<String, TrainingRun> runs) {

    public DisclosureInputs {
        totals = List.copyOf(totals);
        restatements = List.copyOf(restatements);
        statuses = Map.copyOf(statuses);
        comparisons = Map.copyOf(comparisons);
        runs = Map.copyOf(runs);
    }
}
