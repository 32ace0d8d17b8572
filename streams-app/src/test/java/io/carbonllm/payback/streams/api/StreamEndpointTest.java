package io.carbonllm.payback.streams.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.carbonllm.payback.schemas.registry.InMemorySchemaRegistryClient;
import io.carbonllm.payback.streams.config.PaybackStreamsConfig;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /api/stream} over real HTTP, with the hub fed by the test instead of the topics (the feed from Kafka is
 * in {@code DashboardIT}): heartbeats, ids and replay with Last-Event-ID, the bound on clients, and a slow client
 * dropped. The feed reads two partitions of payback-status and one of payback-alerts, all from offset 0, so ids read
 * {@code <status p0>.<status p1>_<alerts p0>}.
 */
class StreamEndpointTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    @TempDir
    Path dir;
    private ApiServer server;
    private LiveFeed feed;
    private String url;
    private final io.micrometer.core.instrument.simple.SimpleMeterRegistry meters =
            new io.micrometer.core.instrument.simple.SimpleMeterRegistry();

    private void start(int maxClients, int buffer, int replay) {
        Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", "127.0.0.1:9");
        props.put("schema.registry.url", "http://127.0.0.1:9");
        props.put("payback.data.dir", dir.toString());
        props.put("payback.api.port", 0);
        props.put("payback.api.stream.max.clients", maxClients);
        props.put("payback.api.stream.client.buffer.events", buffer);
        props.put("payback.api.stream.replay.events", replay);
        props.put("payback.api.stream.heartbeat.ms", 200L);
        server = new ApiServer(new PaybackStreamsConfig(props), new InMemorySchemaRegistryClient(), () -> null, null)
                .start().bindStreamMetrics(meters);
        feed = server.live();
        feed.begin(new long[][] {{0, 0}, {0}});
        url = server.baseUrl() + ApiServer.STREAM;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static LiveFeed.Change status(int partition, long offset, String comparisonId) {
        return new LiveFeed.Change(LiveFeed.STATUS, partition, offset, LiveFeed.EVENT_STATUS, comparisonId,
                "{\"comparisonId\":\"" + comparisonId + "\",\"offset\":" + offset + "}");
    }

    @Test
    void aClientGetsHelloThenEachChangeWithItsPositionAsIdAndHeartbeatsWhenQuiet() throws Exception {
        start(4, 16, 16);
        try (SseClient client = SseClient.connect(url)) {
            assertThat(client.status()).isEqualTo(200);
            assertThat(client.header("Content-Type")).startsWith("text/event-stream");
            SseClient.Event hello = client.next(WAIT);
            assertThat(hello.event()).isEqualTo("hello");
            assertThat(hello.id()).isEqualTo("0.0_0");
            assertThat(hello.data()).contains("\"heartbeatMs\":200");

            // When: status p1 offset 4, then an alert on p0 offset 7
            feed.publish(status(1, 4, "cmp-a"));
            feed.publish(new LiveFeed.Change(LiveFeed.ALERTS, 0, 7, LiveFeed.EVENT_ALERT, "cmp-a", "{\"rule\":\"NOT_SAVING\"}"));

            // Then: the id is the next offset of every partition after the event
            List<SseClient.Event> events = client.next(2, WAIT);
            assertThat(events.get(0).event()).isEqualTo("status");
            assertThat(events.get(0).id()).isEqualTo("0.5_0");
            assertThat(events.get(0).data()).isEqualTo("{\"comparisonId\":\"cmp-a\",\"offset\":4}");
            assertThat(events.get(1).event()).isEqualTo("alert");
            assertThat(events.get(1).id()).isEqualTo("0.5_8");
            // And with nothing to send, a heartbeat comment every 200 ms (payback.api.stream.heartbeat.ms)
            String heartbeat = null;
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!"heartbeat".equals(heartbeat) && System.nanoTime() < deadline) {
                heartbeat = client.nextComment(WAIT);
            }
            assertThat(heartbeat).isEqualTo("heartbeat");
        }
    }

    @Test
    void aClientFilteredToOneComparisonGetsOnlyItsChangesAndHeartbeatsMoveItsIdOn() throws Exception {
        start(4, 16, 16);
        try (SseClient client = SseClient.connect(url + "?comparisonId=cmp-b")) {
            assertThat(client.next(WAIT).event()).isEqualTo("hello");
            feed.publish(status(0, 0, "cmp-a"));
            feed.publish(status(0, 1, "cmp-b"));
            feed.publish(status(1, 0, "cmp-a"));
            SseClient.Event only = client.next(WAIT);
            assertThat(only.data()).contains("cmp-b");
            assertThat(only.id()).isEqualTo("2.0_0");
            // The heartbeat after the last change carries the position past cmp-a's change too
            await().atMost(WAIT).until(() -> "2.1_0".equals(client.lastId()));
            assertThat(client.next(Duration.ofMillis(300))).isNull();
        }
    }

    @Test
    void reconnectingWithLastEventIdReplaysWhatCameAfterItAndNothingTwice() throws Exception {
        start(4, 16, 16);
        String afterFirst;
        try (SseClient client = SseClient.connect(url)) {
            client.next(WAIT); // hello
            feed.publish(status(0, 0, "cmp-a"));
            afterFirst = client.next(WAIT).id();
            assertThat(afterFirst).isEqualTo("1.0_0");
        }
        // While the client is away: two more changes
        feed.publish(status(1, 0, "cmp-a"));
        feed.publish(status(0, 1, "cmp-a"));

        try (SseClient again = SseClient.connect(url, "Last-Event-ID", afterFirst)) {
            List<SseClient.Event> replayed = again.next(2, WAIT);
            assertThat(replayed).extracting(SseClient.Event::id).containsExactly("1.1_0", "2.1_0");
            assertThat(replayed).extracting(SseClient.Event::data).containsExactly(
                    "{\"comparisonId\":\"cmp-a\",\"offset\":0}", "{\"comparisonId\":\"cmp-a\",\"offset\":1}");
            // Then live changes follow, and a change older than the id (read late by this instance) is not sent again
            feed.publish(status(1, 1, "cmp-a"));
            assertThat(again.next(WAIT).id()).isEqualTo("2.2_0");
        }
        // An id from another instance that has read further on one partition: only what is newer comes
        try (SseClient ahead = SseClient.connect(url, "Last-Event-ID", "2.5_0")) {
            feed.publish(status(1, 2, "cmp-a"));
            feed.publish(status(1, 5, "cmp-a"));
            SseClient.Event next = ahead.next(WAIT);
            assertThat(next.data()).contains("\"offset\":5");
        }
    }

    @Test
    void anIdTheBufferNoLongerCoversOrThatIsNotOursGetsAReset() throws Exception {
        start(4, 16, 2);
        for (int offset = 0; offset < 5; offset++) {
            feed.publish(status(0, offset, "cmp-a"));
        }
        // The buffer holds offsets 3 and 4 of status p0: an id from offset 3 on is covered, one from 1 is not
        try (SseClient covered = SseClient.connect(url, "Last-Event-ID", "3.0_0")) {
            assertThat(covered.next(WAIT).data()).contains("\"offset\":3");
        }
        try (SseClient gap = SseClient.connect(url, "Last-Event-ID", "1.0_0")) {
            SseClient.Event reset = gap.next(WAIT);
            assertThat(reset.event()).isEqualTo("reset");
            assertThat(reset.id()).isEqualTo("5.0_0");
            assertThat(reset.data()).contains("replay buffer");
        }
        try (SseClient foreign = SseClient.connect(url, "Last-Event-ID", "not-an-id")) {
            assertThat(foreign.next(WAIT).event()).isEqualTo("reset");
        }
    }

    @Test
    void clientsBeyondTheBoundAreRefusedWith503AndRetryAfterUntilOneLeaves() throws Exception {
        start(2, 16, 16);
        SseClient first = SseClient.connect(url);
        try (SseClient second = SseClient.connect(url)) {
            assertThat(first.next(WAIT).event()).isEqualTo("hello");
            assertThat(second.next(WAIT).event()).isEqualTo("hello");
            SseClient third = SseClient.connect(url);
            assertThat(third.status()).isEqualTo(503);
            assertThat(third.header("Retry-After")).isEqualTo("5");
            assertThat(third.errorBody()).contains("\"code\":\"too_many_stream_clients\"");
            assertThat(feed.refused()).isEqualTo(1);
            assertThat(meters.get(ApiServer.STREAM_REFUSED).functionCounter().count()).isEqualTo(1.0);
            assertThat(meters.get(ApiServer.STREAM_CLIENTS).gauge().value()).isEqualTo(2.0);

            // When the first goes, its slot is free once the server notices (at the next heartbeat at the latest)
            first.close();
            await().atMost(WAIT).until(() -> feed.clients() == 1);
            try (SseClient fourth = SseClient.connect(url)) {
                assertThat(fourth.status()).isEqualTo(200);
                assertThat(fourth.next(WAIT).event()).isEqualTo("hello");
            }
        }
    }

    @Test
    void aClientThatStopsReadingIsDroppedAndItsConnectionClosedWhileOthersGoOn() throws Exception {
        start(4, 8, 16);
        String padding = "x".repeat(64 * 1024);
        try (Socket stalled = new Socket()) {
            stalled.setReceiveBufferSize(4096);
            stalled.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
            OutputStream request = stalled.getOutputStream();
            request.write(("GET " + ApiServer.STREAM + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            request.flush();
            await().atMost(WAIT).until(() -> feed.clients() == 1);

            // When: 400 changes of 64 KiB (25 MiB) that the stalled client never reads
            int sent = 0;
            while (feed.dropped() == 0 && sent < 400) {
                feed.publish(new LiveFeed.Change(LiveFeed.STATUS, 0, sent++, LiveFeed.EVENT_STATUS, "cmp-a",
                        "{\"pad\":\"" + padding + "\"}"));
                Thread.sleep(1);
            }

            // Then: it is dropped as soon as 8 changes wait for it (payback.api.stream.client.buffer.events), not
            // buffered further, and the server closes its connection: reading it now ends in end-of-stream
            assertThat(feed.dropped()).as("dropped after %d changes", sent).isEqualTo(1);
            assertThat(feed.clients()).isZero();
            assertThat(meters.get(ApiServer.STREAM_DROPPED).functionCounter().count()).isEqualTo(1.0);
            stalled.setSoTimeout(10_000);
            InputStream in = stalled.getInputStream();
            byte[] buffer = new byte[64 * 1024];
            long read = 0;
            int n;
            try {
                while ((n = in.read(buffer)) >= 0) {
                    read += n;
                }
            } catch (java.net.SocketException reset) {
                // a reset is a closed connection too
            }
            assertThat(read).as("it got less than was published").isLessThan((long) sent * padding.length());
        }
        // And the stream still serves others
        try (SseClient next = SseClient.connect(url)) {
            assertThat(next.next(WAIT).event()).isEqualTo("hello");
            feed.publish(status(1, 0, "cmp-b"));
            assertThat(next.next(WAIT).data()).contains("cmp-b");
        }
        await().atMost(5, TimeUnit.SECONDS).until(() -> feed.clients() == 1);
    }
}
