package io.carbonllm.payback.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Field names in the shared validators' problems become the flags the user typed, whole words only. */
class FieldFlagsTest {

    private final FieldFlags flags = new FieldFlags(Map.of("hours", "--hours", "gpuHours", "--gpus x --hours",
            "pue", "--pue"));

    @Test
    void renamesWholeFieldNamesOnly() {
        assertThat(flags.rename("gpuHours must be a finite number >= 0, got NaN"))
                .isEqualTo("--gpus x --hours must be a finite number >= 0, got NaN");
        assertThat(flags.rename("hours must be >= 0; PUE and GPU-hours and pueX stay"))
                .isEqualTo("--hours must be >= 0; PUE and GPU-hours and pueX stay");
        assertThat(flags.message(List.of("pue must be >= 1", "hours is NaN"))).isEqualTo("--pue must be >= 1; --hours is NaN");
    }
}
