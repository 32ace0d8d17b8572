package io.carbonllm.payback.core.engine;

import io.carbonllm.payback.events.BaselineReference;
import io.carbonllm.payback.events.ComparisonWindow;
import io.carbonllm.payback.events.LedgerState;
import io.carbonllm.payback.events.PaybackAlert;
import io.carbonllm.payback.events.TrainingRun;
import io.carbonllm.payback.events.VariantWindow;
import java.time.Instant;

/**
 * The state the payback engine reads and writes: in the streams app, its state stores and global tables; in tests,
 * maps. Keys: a ledger is {@code comparisonId/candidateId}, an alert {@code comparisonId/candidateId/rule}.
 */
public interface EngineState {

    /** A variant's window as published, or null when it had no traffic. */
    VariantWindow window(String useCase, String modelId, Instant start, Instant end);

    BaselineReference reference(String comparisonId);

    void putReference(String comparisonId, BaselineReference reference);

    void deleteReference(String comparisonId);

    LedgerState ledger(String key);

    void putLedger(String key, LedgerState ledger);

    void deleteLedger(String key);

    PaybackAlert openAlert(String key);

    void putOpenAlert(String key, PaybackAlert alert);

    void deleteOpenAlert(String key);

    void putComparisonWindow(String comparisonId, ComparisonWindow window);

    /** A one-off run from the training-runs table, or null. */
    TrainingRun trainingRun(String runId);
}
