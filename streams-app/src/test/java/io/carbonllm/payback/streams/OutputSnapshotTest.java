package io.carbonllm.payback.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.carbonllm.payback.events.VariantWindow;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crash test's check can fail. A run that processes some records twice (what at-least-once processing does after
 * a crash: it replays records whose results it had already published) differs from the reference, and so does a run
 * whose last revision of one window applied a task twice; each difference names what moved. A second clean run agrees.
 */
class OutputSnapshotTest {

    private static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");

    @TempDir
    Path dir;

    @Test
    void aRunThatProcessesRecordsTwiceDiffersFromTheReferenceAndACleanRunDoesNot() {
        List<CrashTraffic.Send> sends = CrashTraffic.generate(7L, T0, 10, 3);
        OutputSnapshot reference = Outputs.reference(dir.resolve("a"), CrashIT.appConfig("a"), sends);

        // Given a clean second run: no differences
        OutputSnapshot clean = Outputs.reference(dir.resolve("b"), CrashIT.appConfig("b"), sends);
        assertThat(reference.differences(clean)).isEmpty();

        // When records 100-119 are processed twice, as a replay after a crash without exactly-once would
        List<CrashTraffic.Send> replayed = new ArrayList<>(sends.subList(0, 120));
        replayed.addAll(sends.subList(100, sends.size()));
        OutputSnapshot broken = Outputs.reference(dir.resolve("c"), CrashIT.appConfig("c"), replayed);

        // Then the check fails, naming the variant windows whose requests were counted twice
        List<String> differences = reference.differences(broken);
        assertThat(differences).isNotEmpty();
        assertThat(differences).anyMatch(d -> d.startsWith("variant-windows ") && d.contains("requests expected"));
    }

    @Test
    void aWindowRevisionThatAppliesATaskTwiceIsADifference() {
        List<CrashTraffic.Send> sends = CrashTraffic.generate(11L, T0, 3, 2);
        OutputSnapshot reference = Outputs.reference(dir.resolve("a"), CrashIT.appConfig("a"), sends);
        OutputSnapshot broken = Outputs.reference(dir.resolve("b"), CrashIT.appConfig("b"), sends);
        // Given the same run, but the last revision of one window counts one of its tasks twice: one more task and
        // request than the reference's
        VariantWindow last = broken.anyVariantWindow();
        broken.variantWindow(VariantWindow.newBuilder(last).setTasks(last.getTasks() + 1)
                .setRequests(last.getRequests() + 1).build());

        // Then the check names the window and both fields
        assertThat(reference.differences(broken)).singleElement().asString()
                .startsWith("variant-windows " + last.getUseCase() + "|" + last.getModelId() + "|" + last.getWindowStart())
                .contains("requests expected " + last.getRequests() + " but was " + (last.getRequests() + 1))
                .contains("tasks expected " + last.getTasks() + " but was " + (last.getTasks() + 1));
    }
}
