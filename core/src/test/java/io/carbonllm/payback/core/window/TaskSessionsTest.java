package io.carbonllm.payback.core.window;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbonllm.payback.core.window.TaskSessions.Placement;
import io.carbonllm.payback.events.TaskOutcome;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Gap 60 s, grace 10 s: a task whose last request came at s closes at s + 70 s. Times in seconds after EPOCH. */
class TaskSessionsTest {

    private final TaskSessions sessions = new TaskSessions(Duration.ofSeconds(60), Duration.ofSeconds(10));

    private static TaskOutcome task(int firstSecond, int lastSecond) {
        return TaskOutcome.newBuilder().setRequests(2).setFirstEventTime(Instant.ofEpochSecond(firstSecond))
                .setLastEventTime(Instant.ofEpochSecond(lastSecond)).build();
    }

    private static long ms(int second) {
        return second * 1000L;
    }

    @Test
    void aTaskClosesAtItsLastRequestPlusGapPlusGrace() {
        // last request at 5 s: 5 + 60 + 10 = 75 s
        assertThat(sessions.closeTime(task(1, 5))).isEqualTo(ms(75));
    }

    @Test
    void aRequestWithinTheGapOfTheOpenTaskJoinsIt() {
        // open task [1 s, 5 s]; a request at 65 s is exactly 60 s after 5 s: not more than the gap, so it joins
        assertThat(sessions.place(task(1, 5), ms(65), ms(65))).isEqualTo(Placement.JOIN);
        // a request out of order, before the first request, joins too
        assertThat(sessions.place(task(100, 105), ms(10), ms(105))).isEqualTo(Placement.JOIN);
    }

    @Test
    void aRequestMoreThanTheGapAfterTheOpenTaskStartsTheNextOneAndClosesTheOpenOne() {
        // 65.001 s is more than 60 s after 5 s
        assertThat(sessions.place(task(1, 5), ms(65) + 1, ms(65) + 1)).isEqualTo(Placement.CLOSE_AND_START);
    }

    @Test
    void aRequestWithNoOpenTaskStartsOneUnlessItsTaskWouldAlreadyHaveClosed() {
        // a request at 20 s would close at 90 s: at stream time 89.999 s it starts a task, at 90 s it is late
        assertThat(sessions.place(null, ms(20), ms(90) - 1)).isEqualTo(Placement.START);
        assertThat(sessions.place(null, ms(20), ms(90))).isEqualTo(Placement.LATE);
    }

    @Test
    void closeTimesNearTheEndOfTimeSaturateInsteadOfWrappingToThePast() {
        TaskOutcome atTheEnd = TaskOutcome.newBuilder().setRequests(1)
                .setFirstEventTime(Instant.ofEpochMilli(Long.MAX_VALUE - 5)).setLastEventTime(Instant.ofEpochMilli(Long.MAX_VALUE - 5)).build();
        assertThat(sessions.closeTime(atTheEnd)).isEqualTo(Long.MAX_VALUE);
    }
}
