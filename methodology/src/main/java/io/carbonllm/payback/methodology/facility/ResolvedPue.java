package io.carbonllm.payback.methodology.facility;

import java.time.Instant;
import java.util.Objects;

/**
 * The PUE that applies, and the row it came from.
 *
 * @param pue           the factor, at least 1.0
 * @param scope         PROVIDER, REGION or DEFAULT for a table row; GIVEN for a figure given directly
 * @param key           the row's provider or region (lower case), {@code *} for the default, null when given
 * @param effectiveFrom the date the row took effect ({@link Instant#EPOCH} when given)
 * @param source        the row's source
 */
public record ResolvedPue(double pue, FactorRow.Scope scope, String key, Instant effectiveFrom, String source) {

    public ResolvedPue {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(effectiveFrom, "effectiveFrom");
    }

    /** Without the row's key and date: the default row when {@code isDefault}, else a figure given directly. */
    public ResolvedPue(double pue, boolean isDefault, String source) {
        this(pue, isDefault ? FactorRow.Scope.DEFAULT : FactorRow.Scope.GIVEN, isDefault ? FactorTable.WORLD : null,
                Instant.EPOCH, source);
    }

    /** A PUE given directly (on the command line, or on a run): no table row. */
    public static ResolvedPue given(double pue, String source) {
        FactorTable.requirePue(pue, source);
        return new ResolvedPue(pue, false, source);
    }

    /** True when neither the provider nor the region had a figure, and the default applies. */
    public boolean isDefault() {
        return scope == FactorRow.Scope.DEFAULT;
    }

    /** The row in structured form. */
    public FactorRow row() {
        return new FactorRow(FactorRow.Kind.PUE, key, scope, effectiveFrom, pue, null, source);
    }
}
