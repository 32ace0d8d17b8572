package io.carbonllm.payback.methodology.energy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelCatalogTest {

    private static List<ModelProfile> parse(String csv) {
        return ModelCatalog.parse(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)), "user.csv");
    }

    @Test
    void theGpusColumnIsReadAndMayBeLeftOut() {
        List<ModelProfile> withColumn = parse("""
                pattern,active_params_b,total_params_b,j_per_output_token,energy_scope,gpus,source
                acme-70b*,70,70,0.8,GPU,4,"our benchmark, 4x H100"
                """);
        assertThat(withColumn.get(0).gpus()).isEqualTo(4);
        // a user file written before the column existed still reads, with no measured count
        List<ModelProfile> without = parse("""
                pattern,active_params_b,total_params_b,j_per_output_token,energy_scope,source
                acme-70b*,70,70,0.8,GPU,"our benchmark"
                """);
        assertThat(without.get(0).gpus()).isNull();
        assertThat(without.get(0).serverShareGpus()).isEqualTo(4); // EcoLogits: 168 GB / 80 -> 3 -> 4
    }

    @Test
    void aGpuCountThatIsNotAPositiveIntegerIsRejectedNamingTheColumn() {
        for (String bad : new String[] {"0", "-2", "2.5", "eight"}) {
            assertThatThrownBy(() -> parse("""
                    pattern,active_params_b,total_params_b,j_per_output_token,energy_scope,gpus,source
                    acme-70b*,70,70,0.8,GPU,%s,"our benchmark"
                    """.formatted(bad)))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("user.csv line 2")
                    .hasMessageContaining("column gpus value '" + bad + "'")
                    .hasMessageContaining("must be a positive integer");
        }
    }

    @Test
    void aGpuCountWithoutABenchmarkedFigureIsRejected() {
        assertThatThrownBy(() -> parse("""
                pattern,active_params_b,total_params_b,j_per_output_token,energy_scope,gpus,source
                acme-70b*,70,70,,,4,"a model card"
                """))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("column gpus")
                .hasMessageContaining("needs j_per_output_token");
    }
    @Test
    void aGpuOnlyProfileWithoutASizeIsRejectedWhereverItIsBuilt() {
        // Built directly, as a caller of ModelCatalog's constructor would: no active parameters to size the non-GPU
        // server share from, with or without a measured GPU count; a clear message, not a NullPointerException later
        for (Integer gpus : new Integer[] {null, 4}) {
            assertThatThrownBy(() -> new ModelProfile("acme-*", null, null, 0.8, true, gpus, "our benchmark"))
                    .as("gpus " + gpus)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("activeParamsB is required with a GPU-only energy profile")
                    .hasMessageContaining("acme-*");
        }
        assertThatThrownBy(() -> new ModelProfile("acme-*", null, 70.0, 0.8, true, "our benchmark"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("activeParamsB");
        // The CSV row says the same, naming its line and column
        assertThatThrownBy(() -> parse("""
                pattern,active_params_b,total_params_b,j_per_output_token,energy_scope,gpus,source
                acme-*,,70,0.8,GPU,4,"our benchmark"
                """))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("user.csv line 2")
                .hasMessageContaining("column active_params_b");
        // Without a size the profile is still valid where nothing is added: a whole-server figure, or no figure
        assertThat(new ModelProfile("lab-*", null, null, 3.6, false, "a wall-plug benchmark").serverShareGpus())
                .isNull();
        assertThat(new ModelProfile("named-*", null, null, null, true, "a model card").gpuOnly()).isTrue();
    }
}
