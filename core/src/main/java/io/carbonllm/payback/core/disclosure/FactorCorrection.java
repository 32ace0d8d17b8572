package io.carbonllm.payback.core.disclosure;

import io.carbonllm.payback.methodology.facility.FactorRow;
import java.util.Objects;

/**
 * A factor row that replaces another for the periods it covers: a row published later for a past date (it supersedes
 * the earlier row of the same kind and key from its effective date), or a corrected value of the same row.
 *
 * @param replaced    the row figures were computed with
 * @param replacement the row that applies instead
 * @param reason      why, in words, for the restatement record
 */
public record FactorCorrection(FactorRow replaced, FactorRow replacement, String reason) {

    public FactorCorrection {
        Objects.requireNonNull(replaced, "replaced");
        Objects.requireNonNull(replacement, "replacement");
        Objects.requireNonNull(reason, "reason");
        if (replaced.kind() != replacement.kind() || replaced.scope() != replacement.scope()
                || !Objects.equals(replaced.key(), replacement.key())) {
            throw new IllegalArgumentException("a row is replaced by a row of the same kind, scope and key: "
                    + replaced.id() + " by " + replacement.id());
        }
        if (replacement.effectiveFrom().isBefore(replaced.effectiveFrom())) {
            throw new IllegalArgumentException("a row is replaced from its own date or later, never before: "
                    + replaced.id() + " by " + replacement.id());
        }
    }

    /** {@code row}, or the replacement when {@code row} is the one replaced. */
    public FactorRow apply(FactorRow row) {
        return row.equals(replaced) ? replacement : row;
    }
}
