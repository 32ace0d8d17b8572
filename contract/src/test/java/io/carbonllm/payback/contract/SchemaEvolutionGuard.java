package io.carbonllm.payback.contract;

import io.carbonllm.payback.events.BaselineReference;
import io.carbonllm.payback.events.ComparisonDefinition;
import io.carbonllm.payback.events.ComparisonWindow;
import io.carbonllm.payback.events.DayTotal;
import io.carbonllm.payback.events.FactorRow;
import io.carbonllm.payback.events.FactorUpdate;
import io.carbonllm.payback.events.InferenceEvent;
import io.carbonllm.payback.events.LedgerState;
import io.carbonllm.payback.events.PaybackAlert;
import io.carbonllm.payback.events.PaybackStatus;
import io.carbonllm.payback.events.PeriodRestatement;
import io.carbonllm.payback.events.TaskKey;
import io.carbonllm.payback.events.TaskOutcome;
import io.carbonllm.payback.events.TrainingRun;
import io.carbonllm.payback.events.VariantKey;
import io.carbonllm.payback.events.VariantStats;
import io.carbonllm.payback.events.VariantWindow;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;

/**
 * The rules the evolution guard applies, and the check itself, apart from the released files so that a test can feed
 * it a deliberately incompatible pair.
 *
 * <p>The external contract is what producers outside this app write. It must be compatible both ways (FULL) with every
 * released version: this release reads what older producers wrote, and an app still on an older release reads what a
 * producer on this release writes. Everything else (outputs, store values and keys) must stay BACKWARD compatible:
 * this release reads what earlier releases wrote to changelogs and output topics. The streams app sets the registry
 * subjects of the external topics to {@code FULL_TRANSITIVE}, the registry's name for this rule.
 */
final class SchemaEvolutionGuard {

    /** How a schema may evolve. */
    enum Rule {
        /** Readers on either side of a change read each other's records. */
        FULL,
        /** The new schema reads records written with the old one. */
        BACKWARD
    }

    /** The four schemas producers write: inference-events, comparisons, training-runs, factors. */
    static final Set<String> EXTERNAL = Set.of("InferenceEvent", "ComparisonDefinition", "TrainingRun", "FactorUpdate");

    /** Every top-level schema of the contract, by name, as this release defines it. */
    static final Map<String, Schema> CURRENT = Map.ofEntries(
            Map.entry("InferenceEvent", InferenceEvent.getClassSchema()),
            Map.entry("ComparisonDefinition", ComparisonDefinition.getClassSchema()),
            Map.entry("TrainingRun", TrainingRun.getClassSchema()),
            Map.entry("FactorUpdate", FactorUpdate.getClassSchema()),
            Map.entry("VariantWindow", VariantWindow.getClassSchema()),
            Map.entry("ComparisonWindow", ComparisonWindow.getClassSchema()),
            Map.entry("PaybackStatus", PaybackStatus.getClassSchema()),
            Map.entry("PaybackAlert", PaybackAlert.getClassSchema()),
            Map.entry("FactorRow", FactorRow.getClassSchema()),
            Map.entry("LedgerState", LedgerState.getClassSchema()),
            Map.entry("BaselineReference", BaselineReference.getClassSchema()),
            Map.entry("VariantStats", VariantStats.getClassSchema()),
            Map.entry("TaskOutcome", TaskOutcome.getClassSchema()),
            Map.entry("VariantKey", VariantKey.getClassSchema()),
            Map.entry("TaskKey", TaskKey.getClassSchema()),
            Map.entry("DayTotal", DayTotal.getClassSchema()),
            Map.entry("PeriodRestatement", PeriodRestatement.getClassSchema()));

    private SchemaEvolutionGuard() {
    }

    static Rule ruleFor(String name) {
        return EXTERNAL.contains(name) ? Rule.FULL : Rule.BACKWARD;
    }

    /**
     * What breaks between {@code released} (schema {@code name} as released in {@code version}) and {@code current}
     * under {@code rule}: one line per incompatibility, naming the schema, the version, the direction that breaks, and
     * Avro's verdict (its type, where in the schema, and its message). Empty when the pair is compatible.
     */
    static List<String> problems(String name, String version, Schema released, Schema current, Rule rule) {
        List<String> problems = new ArrayList<>();
        check(current, released, name + " " + version + ": this release cannot read records written with " + version,
                problems);
        if (rule == Rule.FULL) {
            check(released, current, name + " " + version + ": an app on " + version
                    + " cannot read records written with this release's schema", problems);
        }
        return problems;
    }

    private static void check(Schema reader, Schema writer, String direction, List<String> problems) {
        var result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getResult();
        for (Incompatibility incompatibility : result.getIncompatibilities()) {
            problems.add(direction + ": " + incompatibility.getType() + " at " + incompatibility.getLocation() + " ("
                    + incompatibility.getMessage() + ")");
        }
    }
}
