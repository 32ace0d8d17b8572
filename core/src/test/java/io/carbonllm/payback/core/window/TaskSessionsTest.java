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

    @Test
    void aRequestWithinTheGapOfAClosedTaskIsLateAndItsMarkerIsKeptUntilNoneCanBe() {
        // Given task [0 s, 0 s], closed at 70 s: its marker
        TaskOutcome marker = sessions.closedMarker(task(0, 0));
        assertThat(TaskSessions.isClosedMarker(marker)).isTrue();
        // When a request of its id at 50 s arrives at stream time 75 s: within 60 s of the last request, so it belonged
        // to the closed task: late (without the marker it would start a second task, since 50 + 70 = 120 s > 75 s)
        assertThat(sessions.place(marker, ms(50), ms(75))).isEqualTo(Placement.LATE);
        // and a request at 61 s is a new task
        assertThat(sessions.place(marker, ms(61), ms(75))).isEqualTo(Placement.START);
        // The marker is due at 0 + 2 x 60 + 10 = 130 s: after that, a request within 60 s of 0 s is late on its own time
        assertThat(sessions.dueTime(marker)).isEqualTo(ms(130));
        assertThat(sessions.dueTime(task(0, 0))).isEqualTo(ms(70));
    }
}
