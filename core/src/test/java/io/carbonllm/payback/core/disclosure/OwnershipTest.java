package io.carbonllm.payback.core.disclosure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OwnershipTest {

    @Test
    void ownedAndColocatedHardwareIsScope2WithItsManufactureInCategory2() {
        for (Ownership o : new Ownership[] {Ownership.OWNED, Ownership.COLOCATED}) {
            assertThat(o.electricityScope()).isEqualTo(GhgScope.SCOPE_2);
            assertThat(o.embodiedScope()).isEqualTo(GhgScope.SCOPE_3_CATEGORY_2);
        }
    }

    @Test
    void cloudAndApiAreBothPurchasedServicesHardwareIncluded() {
        for (Ownership o : new Ownership[] {Ownership.CLOUD, Ownership.API}) {
            assertThat(o.electricityScope()).isEqualTo(GhgScope.SCOPE_3_CATEGORY_1);
            assertThat(o.embodiedScope()).isEqualTo(GhgScope.SCOPE_3_CATEGORY_1);
        }
    }

    @Test
    void theProviderSetsTheDefaultAndAGivenOwnershipOverridesIt() {
        assertThat(Ownership.defaultFor(null)).isEqualTo(Ownership.OWNED);
        assertThat(Ownership.defaultFor(" ")).isEqualTo(Ownership.OWNED);
        assertThat(Ownership.defaultFor("aws")).isEqualTo(Ownership.CLOUD);
        assertThat(Ownership.defaultFor("Google")).isEqualTo(Ownership.CLOUD);
        assertThat(Ownership.defaultFor("OpenAI")).isEqualTo(Ownership.API);
        assertThat(Ownership.defaultFor("anthropic")).isEqualTo(Ownership.API);
        // a serving stack the organisation runs itself is its own hardware, whatever the case
        assertThat(Ownership.defaultFor("vllm")).isEqualTo(Ownership.OWNED);
        assertThat(Ownership.defaultFor("TGI")).isEqualTo(Ownership.OWNED);
        // a colocated rack at a provider's site: the run says so
        assertThat(Ownership.resolve("colocated", "aws")).isEqualTo(Ownership.COLOCATED);
        assertThat(Ownership.resolve(null, "aws")).isEqualTo(Ownership.CLOUD);
    }

    @Test
    void anUnknownOwnershipNamesTheAllowedValues() {
        assertThatThrownBy(() -> Ownership.parse("rented"))
                .hasMessage("ownership must be one of owned, colocated, cloud, api, got rented");
    }
}
