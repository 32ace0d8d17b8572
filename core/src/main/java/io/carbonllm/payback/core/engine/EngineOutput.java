package io.carbonllm.payback.core.engine;

import io.carbonllm.payback.events.ComparisonWindow;
import io.carbonllm.payback.events.PaybackAlert;
import io.carbonllm.payback.events.PaybackStatus;

/** What the payback engine publishes: in the streams app, records to its named sinks. */
public interface EngineOutput {

    void comparisonWindow(String comparisonId, ComparisonWindow window);

    /** A ledger's status; null deletes it (a tombstone on the compacted topic). */
    void status(String ledgerKey, PaybackStatus status);

    void alert(String alertKey, PaybackAlert transition);
}
