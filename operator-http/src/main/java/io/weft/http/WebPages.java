package io.weft.http;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Read-only browser routes on the operator port: files served from the jar, JSON answers to
 * GET queries, and server-sent event streams, at most {@link #streamLimit} open at once. Every
 * answer forbids other origins' scripts and framing, and nothing here accepts a write: any
 * method but GET and HEAD gets 405.
 */
public final class WebPages {

    private static final Logger LOG = LoggerFactory.getLogger(WebPages.class);

    /** Events a client may leave unread before it is disconnected (a snapshot is sent whole). */
    static final long MAX_PENDING_BYTES = 64L << 20;

    private static final String EVENT_STREAM = "text/event-stream; charset=utf-8";

    private static final String SECURITY_POLICY =
            "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'";

    private record Resource(Buffer bytes, String contentType) {}

    private final Map<String, Resource> resources = new LinkedHashMap<>();
    private final Map<String, Function<Map<String, String>, OperatorHttp.Answer>> queries = new LinkedHashMap<>();
    private final Map<String, EventSource> streams = new LinkedHashMap<>();
    private final AtomicInteger openStreams = new AtomicInteger();
    private int streamLimit = 32;

    /** Serves a file of the jar, read now: {@code owner.getResourceAsStream(name)}. */
    public WebPages resource(String path, Class<?> owner, String name, String contentType) {
        try (InputStream in = owner.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalArgumentException("no resource " + name + " next to " + owner.getName());
            }
            resources.put(path, new Resource(Buffer.buffer(in.readAllBytes()), contentType));
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Answers GET requests from their query parameters; the answer runs off the event loop. An
     * IllegalArgumentException it throws becomes 400 with its message.
     */
    public WebPages query(String path, Function<Map<String, String>, OperatorHttp.Answer> answer) {
        queries.put(path, answer);
        return this;
    }

    /** A server-sent events route ({@code text/event-stream}). */
    public WebPages events(String path, EventSource source) {
        streams.put(path, source);
        return this;
    }

    /** How many event streams may be open at once (default 32); one more gets 503. */
    public WebPages streamLimit(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("stream limit must be at least 1, got " + limit);
        }
        this.streamLimit = limit;
        return this;
    }

    Set<String> paths() {
        Set<String> paths = new LinkedHashSet<>(resources.keySet());
        paths.addAll(queries.keySet());
        paths.addAll(streams.keySet());
        return paths;
    }

    boolean serves(String path) {
        return resources.containsKey(path) || queries.containsKey(path) || streams.containsKey(path);
    }

    void handle(Vertx vertx, HttpServerRequest request) {
        HttpServerResponse response = request.response()
                .putHeader("content-security-policy", SECURITY_POLICY)
                .putHeader("x-content-type-options", "nosniff")
                .putHeader("cache-control", "no-cache");
        if (request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD) {
            response.setStatusCode(405)
                    .putHeader("allow", "GET, HEAD")
                    .putHeader("content-type", OperatorHttp.TEXT)
                    .end(request.path() + " is read-only: use GET\n");
            return;
        }
        Resource resource = resources.get(request.path());
        if (resource != null) {
            response.putHeader("content-type", resource.contentType()).end(resource.bytes());
            return;
        }
        Map<String, String> query = query(request);
        var answer = queries.get(request.path());
        if (answer != null) {
            vertx.executeBlocking(() -> answer.apply(query), false)
                    .onSuccess(done -> response.setStatusCode(done.status())
                            .putHeader("content-type", done.contentType())
                            .end(done.body()))
                    .onFailure(error -> fail(response, request.path(), error));
            return;
        }
        if (request.method() == HttpMethod.HEAD) {
            // A probe of a stream route: its headers, without opening a subscription.
            response.putHeader("content-type", EVENT_STREAM).end();
            return;
        }
        stream(vertx, request, response, streams.get(request.path()), query);
    }

    private void stream(
            Vertx vertx,
            HttpServerRequest request,
            HttpServerResponse response,
            EventSource source,
            Map<String, String> query) {
        if (openStreams.incrementAndGet() > streamLimit) {
            openStreams.decrementAndGet();
            response.setStatusCode(503)
                    .putHeader("content-type", OperatorHttp.TEXT)
                    .end(streamLimit + " event streams are open, the limit; close a page and retry\n");
            return;
        }
        Context context = vertx.getOrCreateContext();
        ServerSentEventStream sink = new ServerSentEventStream(context, response, MAX_PENDING_BYTES);
        AutoCloseable subscription;
        try {
            // What the source sends now is written by tasks on this event loop, after this handler.
            subscription = source.subscribe(query, sink);
        } catch (RuntimeException e) {
            sink.markClosed();
            openStreams.decrementAndGet();
            fail(response, request.path(), e);
            return;
        }
        response.closeHandler(ignored -> {
            sink.markClosed();
            openStreams.decrementAndGet();
            try {
                subscription.close();
            } catch (Exception e) {
                LOG.debug("closing an event stream on {} failed", request.path(), e);
            }
        });
        response.setChunked(true).putHeader("content-type", EVENT_STREAM).write("retry: 2000\n\n");
    }

    private static void fail(HttpServerResponse response, String path, Throwable error) {
        boolean badInput = error instanceof IllegalArgumentException;
        response.setStatusCode(badInput ? 400 : 500)
                .putHeader("content-type", OperatorHttp.TEXT)
                .end(badInput ? error.getMessage() + "\n" : path + " failed: " + error + "\n");
    }

    private static Map<String, String> query(HttpServerRequest request) {
        Map<String, String> query = new HashMap<>();
        request.params().forEach(entry -> query.putIfAbsent(entry.getKey(), entry.getValue()));
        return query;
    }
}
