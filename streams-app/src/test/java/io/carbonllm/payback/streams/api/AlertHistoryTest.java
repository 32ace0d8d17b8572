package io.carbonllm.payback.streams.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbonllm.payback.events.PaybackAlert;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** When a comparison's alert timeline is every transition the topic holds for it, and when it says it is not. */
class AlertHistoryTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    static PaybackAlert alert(String comparisonId, int n) {
        return PaybackAlert.newBuilder().setComparisonId(comparisonId).setCandidateId("ft").setRule("NOT_SAVING")
                .setState(n % 2 == 0 ? "FIRING" : "RESOLVED").setFiredAt(T0.plusSeconds(60L * (n - n % 2)))
                .setResolvedAt(n % 2 == 0 ? null : T0.plusSeconds(60L * n)).setWindowStart(T0.plusSeconds(60L * n))
                .setMessage("transition " + n).build();
    }

    @Test
    void untilTheSourceHasCaughtUpEveryTimelineIsLoadingEvenAnEmptyOne() {
        AlertHistory history = new AlertHistory();
        history.add(alert("cmp-a", 0));

        assertThat(history.of("cmp-a").gap()).isEqualTo(AlertHistory.Gap.LOADING);
        assertThat(history.of("cmp-a").transitions()).hasSize(1);
        assertThat(history.of("cmp-quiet").gap()).as("no transition read yet is not no transition")
                .isEqualTo(AlertHistory.Gap.LOADING);

        history.caughtUp();
        assertThat(history.of("cmp-a").complete()).isTrue();
        assertThat(history.of("cmp-quiet").complete()).as("read to the end: it never had one").isTrue();
        assertThat(history.of("cmp-quiet").transitions()).isEmpty();
    }

    @Test
    void aTimelineOverItsBoundKeepsTheLatestAndSaysItIsTruncated() {
        // Given a bound of 3 transitions per comparison
        AlertHistory history = new AlertHistory(3, 10, 10);
        history.caughtUp();
        for (int n = 0; n < 3; n++) {
            history.add(alert("cmp-a", n));
        }
        assertThat(history.of("cmp-a").complete()).as("3 of 3 kept").isTrue();

        // When a fourth arrives
        history.add(alert("cmp-a", 3));

        // Then transitions 1, 2 and 3 are kept, 0 dropped
        AlertHistory.Timeline timeline = history.of("cmp-a");
        assertThat(timeline.gap()).isEqualTo(AlertHistory.Gap.TRUNCATED);
        assertThat(timeline.transitions()).extracting(PaybackAlert::getMessage)
                .containsExactly("transition 1", "transition 2", "transition 3");
    }

    @Test
    void anEvictedTimelineAndOneStartedAgainAfterItsEvictionSayTheyArePartial() {
        // Given room for 2 comparisons: a, b, then c evicts a (the least recently changed)
        AlertHistory history = new AlertHistory(10, 2, 10);
        history.caughtUp();
        history.add(alert("cmp-a", 0));
        history.add(alert("cmp-b", 0));
        history.add(alert("cmp-c", 0));

        // Then
        assertThat(history.of("cmp-a").gap()).isEqualTo(AlertHistory.Gap.EVICTED);
        assertThat(history.of("cmp-a").transitions()).isEmpty();
        assertThat(history.of("cmp-b").complete()).isTrue();
        assertThat(history.of("cmp-c").complete()).isTrue();
        assertThat(history.of("cmp-never").complete()).as("an id never evicted had no transition").isTrue();

        // When a's next transition arrives (evicting b, the least recently read of b and c): a's timeline is partial
        history.add(alert("cmp-a", 1));
        assertThat(history.of("cmp-a").gap()).isEqualTo(AlertHistory.Gap.EVICTED);
        assertThat(history.of("cmp-a").transitions()).extracting(PaybackAlert::getMessage).containsExactly("transition 1");
        assertThat(history.of("cmp-b").gap()).isEqualTo(AlertHistory.Gap.EVICTED);
    }

    @Test
    void pastTheEvictedIdsItRemembersEveryTimelineNotHeldIsTakenAsPartial() {
        // Given room for 1 comparison and 1 remembered eviction: b evicts a (remembered), c evicts b (forgotten)
        AlertHistory history = new AlertHistory(10, 1, 1);
        history.caughtUp();
        history.add(alert("cmp-a", 0));
        history.add(alert("cmp-b", 0));
        assertThat(history.of("cmp-never").complete()).isTrue();
        history.add(alert("cmp-c", 0));

        // Then an id it cannot tell from b is partial, c (started before any forgetting) is not
        assertThat(history.of("cmp-never").gap()).isEqualTo(AlertHistory.Gap.EVICTED);
        assertThat(history.of("cmp-b").gap()).isEqualTo(AlertHistory.Gap.EVICTED);
        assertThat(history.of("cmp-c").complete()).isTrue();
    }
}
