package io.carbonllm.payback.sdk.codecarbon;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The CodeCarbon fixtures under {@code /codecarbon/} (this module's test resources, shared through its test-jar): the
 * headers of real CodeCarbon 2.7.1 and 3.3.0 files (32 and 38 columns). {@code private-infra-v2.csv}'s last two rows
 * are real rows (a Canadian RTX A5000 machine), with a quoted cpu_model holding a comma added, as pandas writes such
 * a field; {@code cloud-v3.csv} has three cloud runs (aws with pue 1.2, gcp and azure with 1.0).
 */
public final class CodeCarbonFixtures {

    private CodeCarbonFixtures() {
    }

    /** The fixture's text, for example {@code text("cloud-v3.csv")}. */
    public static String text(String name) {
        try (InputStream in = CodeCarbonFixtures.class.getResourceAsStream("/codecarbon/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture /codecarbon/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
