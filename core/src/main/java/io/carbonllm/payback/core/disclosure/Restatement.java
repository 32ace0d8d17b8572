package io.carbonllm.payback.core.disclosure;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Objects;

/**
 * A correction of a closed period: the total as written and the total as it should have been, with why. The written
 * total is never changed in place; a report shows both, and totals from then on use {@code after}.
 *
 * @param before the total as written (its version)
 * @param after  the corrected total, version {@code before.version() + 1}
 * @param reason why, in words: "grid factor published later for a past date", "run corrected"
 * @param cause  what changed, by id: the factor rows replaced and replacing, or the run and its new version
 * @param restatedAt when the correction was made (the stream time it arrived at), so a report lists the restatements
 *               made in its period whatever period they correct
 */
public record Restatement(PeriodTotal before, PeriodTotal after, String reason, String cause, Instant restatedAt) {

    public Restatement {
        Objects.requireNonNull(restatedAt, "restatedAt");
        Objects.requireNonNull(before, "before");
        Objects.requireNonNull(after, "after");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(cause, "cause");
        if (!before.key().equals(after.key())) {
            throw new IllegalArgumentException("a restatement corrects one period: " + before.key() + " vs "
                    + after.key());
        }
        if (after.version() != before.version() + 1) {
            throw new IllegalArgumentException("a restatement's total is the next version: " + before.version()
                    + " then " + after.version());
        }
    }

    /** The restatements topic's key: the period's key and the version it makes, so none replaces another. */
    public String key() {
        return before.key() + "/v" + after.version();
    }

    public LocalDate day() {
        return before.day();
    }
}
