package io.carbonllm.payback.streams;

import static io.carbonllm.payback.streams.TopologyFixture.BASELINE;
import static org.assertj.core.api.Assertions.assertThat;

import io.carbonllm.payback.schemas.serde.LengthBombs;
import io.carbonllm.payback.schemas.serde.WireFormatException;
import io.carbonllm.payback.streams.dlq.DeadLetters;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A record whose body declares a string, bytes or map of 2^31 - 9 (a length bomb, {@link LengthBombs}) is bad input
 * like any other: it lands in the DLQ at stage {@code deserialize} without taking the heap, and the next good record
 * counts. (An array bomb needs an array field, which InferenceEvent has not; the schemas module tests it on
 * ComparisonDefinition.)
 */
class DeadLetterLengthBombTest {

    private static final long S = 1_000L;

    @TempDir
    Path stateDir;
    private TopologyFixture fx;

    @BeforeEach
    void setUp() {
        // at_least_once, as in DeadLetterTopologyTest: TopologyTestDriver 4.4 drops dead letters the deserialization
        // handler sends under exactly_once_v2
        fx = new TopologyFixture(stateDir, Map.of("processing.guarantee", "at_least_once"));
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            STRING | String length 2147483639 exceeds maximum allowed
            BYTES  | Bytes length 2147483639 exceeds maximum allowed
            MAP    | Collection length 2147483639 exceeds the maximum allowed of 1000000
            """)
    void aLengthBombGoesToTheDlqAtDeserializeAndTheNextGoodRecordIsCounted(LengthBombs.Kind kind, String limit) {
        // Given a bomb on inference-events (offset 0)
        LengthBombs.Bomb bomb = LengthBombs.of(kind, fx.registry);
        fx.rawEvents.pipeInput(TopologyFixture.USE_CASE.getBytes(StandardCharsets.UTF_8), bomb.bytes());
        // When a good event follows (offset 1), at 1 s: window [0, 60)
        fx.pipe(fx.event(BASELINE, 1 * S, 100, 10, true));

        // Then the bomb is in the DLQ as its original bytes, at stage deserialize, the reason naming the limit it hit
        List<TestRecord<byte[], byte[]>> dead = fx.deadLetters.readRecordsToList();
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).value()).isEqualTo(bomb.bytes());
        Headers headers = dead.get(0).headers();
        assertThat(header(headers, DeadLetters.STAGE)).isEqualTo("deserialize");
        assertThat(header(headers, DeadLetters.EXCEPTION)).isEqualTo(WireFormatException.class.getName());
        assertThat(header(headers, DeadLetters.REASON)).contains("Cannot decode the Avro body").contains(limit);
        assertThat(header(headers, DeadLetters.SOURCE_OFFSET)).isEqualTo("0");
        // And the good event was counted: 1 request with 100 input tokens
        assertThat(fx.storedWindow(BASELINE, 0).getRequests()).isEqualTo(1);
        assertThat(fx.storedWindow(BASELINE, 0).getInputTokens()).isEqualTo(100);
    }

    private static String header(Headers headers, String key) {
        Header header = headers.lastHeader(key);
        assertThat(header).as("header %s", key).isNotNull();
        return new String(header.value(), StandardCharsets.UTF_8);
    }
}
