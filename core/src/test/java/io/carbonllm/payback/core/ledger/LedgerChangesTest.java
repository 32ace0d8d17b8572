package io.carbonllm.payback.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbonllm.payback.events.LedgerState;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class LedgerChangesTest {

    /** A ledger with every field set to something other than its default, so a field left out shows. */
    private static LedgerState everyField() {
        LedgerState ledger = Ledgers.empty("cmp", "ft");
        LedgerState filled = new LedgerState();
        for (Schema.Field f : LedgerState.getClassSchema().getFields()) {
            filled.put(f.pos(), ledger.get(f.pos()));
        }
        filled.setClosedWindows(7);
        filled.setClosedSavingWh(12.5);
        filled.setLateRevisionsIgnored(2);
        filled.setFactorRowIds(Map.of("grid/eu-north-1", 1L));
        return filled;
    }

    @Test
    void aChangeKeepsEveryOtherFieldAndLeavesTheOriginalAsItWas() {
        LedgerState before = everyField();
        LedgerState after = LedgerChanges.with(before, l -> l.setClosedWindows(8));

        assertThat(after.getClosedWindows()).isEqualTo(8);
        assertThat(before.getClosedWindows()).isEqualTo(7);
        // Every field but the changed one is the original's: the same object (a collection or record), not a copy
        for (Schema.Field f : LedgerState.getClassSchema().getFields()) {
            Object was = before.get(f.pos());
            if (f.name().equals("closedWindows")) {
                continue;
            }
            if (was instanceof Number || was instanceof Boolean || was instanceof CharSequence || was == null) {
                assertThat(after.get(f.pos())).as(f.name()).isEqualTo(was); // boxed on the way out
            } else {
                assertThat(after.get(f.pos())).as(f.name()).isSameAs(was);
            }
        }
        assertThat(LedgerChanges.with(before, l -> { })).isEqualTo(before);
    }
}
