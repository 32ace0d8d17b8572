package io.carbonllm.payback.streams.api;

import io.javalin.http.Context;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.io.EndPoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/stream}: Server-Sent Events from {@link LiveFeed}. The request's own server thread writes the
 * stream: frames from the client's queue as they come, a heartbeat comment when none came for the heartbeat interval,
 * until the client goes, the hub drops it as slow (its connection is then aborted, so a write blocked on a full TCP
 * window returns at once), or the server stops.
 *
 * <p>{@code ?comparisonId=} keeps one comparison's changes; {@code Last-Event-ID} (the header browsers send when they
 * reconnect) replays what was missed, see {@link LiveFeed}.
 */
final class StreamEndpoint {

    private static final Logger log = LoggerFactory.getLogger(StreamEndpoint.class);
    /** How long a browser waits before reconnecting, sent as {@code retry:}. */
    static final long RECONNECT_MS = 2_000;
    static final String TOO_MANY_CLIENTS = "too_many_stream_clients";

    private final LiveFeed feed;
    private final Duration heartbeat;
    private final int retryAfterSeconds;
    private final String instance;

    StreamEndpoint(LiveFeed feed, Duration heartbeat, int retryAfterSeconds, String instance) {
        this.feed = feed;
        this.heartbeat = heartbeat;
        this.retryAfterSeconds = retryAfterSeconds;
        this.instance = instance;
    }

    void handle(Context ctx) {
        QueryParams q = new QueryParams(ctx.queryParamMap(), Set.of("comparisonId"));
        String comparisonId = q.string("comparisonId");
        String hello = "{\"instance\":" + LiveFeed.jsonString(instance) + ",\"heartbeatMs\":" + heartbeat.toMillis()
                + (comparisonId == null ? "" : ",\"comparisonId\":" + LiveFeed.jsonString(comparisonId)) + "}";
        LiveFeed.Subscription sub = feed.subscribe(ctx.header("Last-Event-ID"), comparisonId, hello);
        if (sub == null) {
            throw new ApiException(503, TOO_MANY_CLIENTS, "this instance serves " + feed.maxClients() + " stream "
                    + "clients already (payback.api.stream.max.clients); try again later or ask another instance",
                    null, List.of(), retryAfterSeconds);
        }
        ServletContextRequest request = ServletContextRequest.getServletContextRequest(ctx.req());
        if (request != null) {
            EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
            sub.onDrop(endPoint::close);
        }
        HttpServletResponse res = ctx.res();
        res.setStatus(200);
        res.setContentType("text/event-stream;charset=utf-8");
        res.setHeader("Cache-Control", "no-cache, no-store");
        res.setHeader("X-Accel-Buffering", "no"); // nginx: do not buffer the stream
        try (sub) {
            OutputStream out = res.getOutputStream();
            out.write(("retry: " + RECONNECT_MS + "\n\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            while (true) {
                byte[] frame = sub.next(heartbeat.toMillis());
                if (sub.ended()) {
                    break;
                }
                out.write(frame != null ? frame : sub.heartbeat());
                out.flush();
            }
        } catch (IOException e) {
            log.debug("Live stream: client gone ({})", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (sub.droppedAsSlow()) {
            log.debug("Live stream: the slow client's connection was aborted");
        }
    }
}
