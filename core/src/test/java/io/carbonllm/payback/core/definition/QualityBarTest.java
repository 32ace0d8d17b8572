package io.carbonllm.payback.core.definition;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The quality bar the alert and the verdict share. */
class QualityBarTest {

    @Test
    void aRateUnderTheMinimumOrDroppingMoreThanAllowedIsBelowTheBar() {
        // Given a minimum of 0.75 and a drop of at most 0.05
        QualityBar bar = new QualityBar(0.75, 0.05);

        // When, Then 0.74 < 0.75; 0.76 is 0.84 - 0.76 = 0.08 below the baseline, more than 0.05; 0.8 is 0.04 below
        assertThat(bar.below(0.74, 0.74)).isTrue();
        assertThat(bar.below(0.76, 0.84)).isTrue();
        assertThat(bar.below(0.8, 0.84)).isFalse();
    }

    @Test
    void aDropEqualToTheBarIsNotBelowItThoughTheSubtractionRoundsUp() {
        // Given a drop of at most 0.1, and 0.8 - 0.7 = 0.10000000000000009 in doubles
        QualityBar bar = new QualityBar(null, 0.1);

        // When, Then
        assertThat(0.8 - 0.7).isGreaterThan(0.1);
        assertThat(bar.below(0.7, 0.8)).isFalse();
        assertThat(bar.below(0.69, 0.8)).isTrue();
    }

    @Test
    void withNothingItCanEvaluateTheBarSaysNothing() {
        // Given no bar; and a drop alone with no baseline rate
        // When, Then
        assertThat(QualityBar.NONE.isSet()).isFalse();
        assertThat(QualityBar.NONE.below(0.1, 0.9)).isNull();
        assertThat(new QualityBar(null, 0.05).below(0.1, null)).isNull();
        // the minimum still applies when the drop cannot be measured
        assertThat(new QualityBar(0.5, 0.05).below(0.1, null)).isTrue();
    }
}
