package io.carbonllm.payback.methodology.facility;

/**
 * The PUE that applies, and why.
 *
 * @param isDefault true when neither the provider nor the region had a figure, and the default applies
 */
public record ResolvedPue(double pue, boolean isDefault, String source) {

    public static ResolvedPue given(double pue, String source) {
        FactorTable.requirePue(pue, source);
        return new ResolvedPue(pue, false, source);
    }
}
