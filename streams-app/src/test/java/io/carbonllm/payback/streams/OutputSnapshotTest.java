package io.carbonllm.payback.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crash test's check can fail: a run that applies some window revisions twice (what at-least-once processing
 * does after a crash, replaying records whose results were already published) differs from the reference, and the
 * difference names what moved. A second clean run agrees with it.
 */
class OutputSnapshotTest {

    private static final Instant T0 = Instant.parse("2026-11-27T10:00:00Z");

    @TempDir
    Path dir;

    @Test
    void aRunThatAppliesRevisionsTwiceDiffersFromTheReferenceAndACleanRunDoesNot() {
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
}
