package io.carbonllm.payback.core.disclosure;

import io.carbonllm.payback.methodology.facility.FactorRow;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * Which of a day's factor rows the factor table has since replaced for that day: a row of the same kind, scope and key
 * now in effect at the day's start (factor rows start at midnight UTC, so the whole day), published later for a past
 * date, or the same row with a corrected value.
 */
public final class FactorCorrections {

    private FactorCorrections() {
    }

    /**
     * The corrections of {@code total}'s rows.
     *
     * @param inEffect the row of the same kind, scope and key the table applies at an instant now (empty when it holds
     *                 none: a row given directly, or one withdrawn)
     */
    public static List<FactorCorrection> of(PeriodTotal total,
                                            BiFunction<FactorRow, Instant, Optional<FactorRow>> inEffect) {
        Instant dayStart = total.day().atStartOfDay().toInstant(ZoneOffset.UTC);
        List<FactorCorrection> corrections = new ArrayList<>();
        for (FactorRow row : total.factorRows()) {
            Optional<FactorRow> now = inEffect.apply(row, dayStart);
            if (now.isEmpty() || now.get().equals(row) || now.get().effectiveFrom().isBefore(row.effectiveFrom())) {
                continue;
            }
            FactorRow replacement = now.get();
            String reason = replacement.id().equals(row.id())
                    ? "factor corrected: " + row.id()
                    : "factor published later for a past date: " + replacement.id() + " applies from "
                    + replacement.effectiveFrom().atOffset(ZoneOffset.UTC).toLocalDate();
            corrections.add(new FactorCorrection(row, replacement, reason));
        }
        return corrections;
    }

    /** {@code total} computed with every correction's row in place of the one it replaces. */
    public static PeriodTotal apply(PeriodTotal total, List<FactorCorrection> corrections) {
        PeriodTotal corrected = total;
        for (FactorCorrection correction : corrections) {
            corrected = corrected.corrected(correction);
        }
        return corrected;
    }
}
