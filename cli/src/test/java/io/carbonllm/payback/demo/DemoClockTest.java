package io.carbonllm.payback.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Event time x20; the wall clock at 12:00; the latest event already in the topic, if any, at 12:40. */
class DemoClockTest {

    private static final Instant NOW = Instant.parse("2026-11-27T12:00:00Z");
    private static final Instant STORY_START = Instant.parse("2026-11-27T11:58:00Z");
    private static final Instant LATEST = Instant.parse("2026-11-27T12:40:00Z");
    private static final long NANOS = 1_000_000_000L;

    @TempDir
    Path dataDir;

    @Test
    void aFreshDataDirectoryStartsTheStoryNow() {
        DemoClock clock = DemoClock.start(dataDir, NOW, Optional.empty(), 20, 5 * NANOS);

        assertThat(clock.resumed()).isFalse();
        assertThat(clock.storyStart()).isEqualTo(NOW);
        // 2 s of wall clock later: 2 s x 20 = 40 s of event time
        assertThat(clock.eventTime(7 * NANOS)).isEqualTo(NOW.plusSeconds(40));
    }

    @Test
    void aRestartCarriesTheStoryOnJustAfterTheLatestEventInTheTopic() {
        // Given a first run whose story started at 11:58
        DemoClock.start(dataDir, STORY_START, Optional.empty(), 20, 0);

        // When a run starts at 12:00 on the same directory and the topic's latest event is at 12:40 (the first run's
        // event time ran ahead of the clock, and it was killed there)
        DemoClock clock = DemoClock.start(dataDir, NOW, Optional.of(LATEST), 20, 5 * NANOS);

        // Then the story keeps its start, and event time resumes 1 ms after 12:40, not at 12:00 (40 minutes behind
        // the stream time the app reached, where every event would be late)
        assertThat(clock.resumed()).isTrue();
        assertThat(clock.storyStart()).isEqualTo(STORY_START);
        assertThat(clock.resumeFrom()).isEqualTo(LATEST.plusMillis(1));
        // and runs on x20: 3 s later, 60 s of event time later
        assertThat(clock.eventTime(8 * NANOS)).isEqualTo(LATEST.plusMillis(1).plusSeconds(60));
    }

    @Test
    void trafficWithoutAStoryFileStartsTheStoryWhereEventTimeGotTo() {
        DemoClock clock = DemoClock.start(dataDir, NOW, Optional.of(LATEST), 20, 0);

        assertThat(clock.storyStart()).isEqualTo(LATEST.plusMillis(1));
        assertThat(clock.resumeFrom()).isEqualTo(LATEST.plusMillis(1));
    }

    @Test
    void aStoryFileWithoutTrafficStartsAFreshStory() {
        // Given a story file, but a topic with no events (its Kafka data was removed)
        DemoClock.start(dataDir, STORY_START, Optional.empty(), 20, 0);

        DemoClock clock = DemoClock.start(dataDir, NOW, Optional.empty(), 20, 0);

        assertThat(clock.storyStart()).isEqualTo(NOW);
        assertThat(clock.resumed()).isFalse();
    }
}
