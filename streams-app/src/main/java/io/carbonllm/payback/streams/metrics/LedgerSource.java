package io.carbonllm.payback.streams.metrics;

import io.carbonllm.payback.events.PaybackAlert;
import io.carbonllm.payback.events.PaybackStatus;
import java.util.List;

/**
 * Where the per-ledger gauges come from: the ledgers this instance owns now, as the engine last published them, and
 * their open alerts. In the app, the local ledger and open-alert stores of its active tasks
 * ({@code state.LocalLedgerStores}); in tests, any other store.
 */
@FunctionalInterface
public interface LedgerSource {

    /** A consistent-enough read: every ledger owned now with its last published status, and the alerts firing. */
    Snapshot read();

    /**
     * @param statuses   the last {@code PaybackStatus} the engine published for each ledger this instance owns
     * @param openAlerts the alerts firing now on those ledgers (the FIRING transitions not yet resolved)
     */
    record Snapshot(List<PaybackStatus> statuses, List<PaybackAlert> openAlerts) {

        public static final Snapshot EMPTY = new Snapshot(List.of(), List.of());

        public Snapshot {
            statuses = List.copyOf(statuses);
            openAlerts = List.copyOf(openAlerts);
        }
    }
}
