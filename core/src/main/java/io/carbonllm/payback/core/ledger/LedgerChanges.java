package io.carbonllm.payback.core.ledger;

import io.carbonllm.payback.events.LedgerState;
import java.util.function.Consumer;

/**
 * A changed ledger, sharing the unchanged parts of the one it came from. Avro's {@code LedgerState.newBuilder(other)}
 * deep-copies every field (the open windows, the recent closed windows, the charged runs, the last status) and the
 * engine changes a ledger a few times per step: those copies were 15 % of the stream thread in the streams benchmark
 * (docs/benchmarks.md). Sharing is safe because no ledger is changed in place: every change to a collection builds a
 * new one ({@code new HashMap<>(state.getOpenWindows())} and so on), and a ledger read from its store is a fresh object.
 */
public final class LedgerChanges {

    private LedgerChanges() {
    }

    /** A new ledger with {@code state}'s field values (the same objects, not copies), then {@code change} applied. */
    public static LedgerState with(LedgerState state, Consumer<LedgerState> change) {
        LedgerState next = new LedgerState();
        int fields = LedgerState.getClassSchema().getFields().size();
        for (int i = 0; i < fields; i++) {
            next.put(i, state.get(i));
        }
        change.accept(next);
        return next;
    }
}
