package io.weft.http;

import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One open {@code text/event-stream} response. Frames are written on the connection's event
 * loop in the order they were sent; bytes written but not yet flushed to the socket are counted,
 * and a client that lets more than the limit pile up is disconnected rather than buffered
 * without bound.
 */
final class ServerSentEventStream implements EventSink {

    private final Context context;
    private final HttpServerResponse response;
    private final long maxPendingBytes;
    private final AtomicLong pendingBytes = new AtomicLong();
    private volatile boolean closed;

    ServerSentEventStream(Context context, HttpServerResponse response, long maxPendingBytes) {
        this.context = context;
        this.response = response;
        this.maxPendingBytes = maxPendingBytes;
    }

    @Override
    public boolean send(String event, String data) {
        if (closed) {
            return false;
        }
        Buffer frame = Buffer.buffer(frame(event, data).getBytes(StandardCharsets.UTF_8));
        if (pendingBytes.addAndGet(frame.length()) > maxPendingBytes) {
            close();
            return false;
        }
        context.runOnContext(ignored -> {
            if (closed) {
                return;
            }
            response.write(frame).onComplete(done -> pendingBytes.addAndGet(-frame.length()));
        });
        return true;
    }

    /** Marks the stream closed (the client went) so later sends are refused. */
    void markClosed() {
        closed = true;
    }

    private void close() {
        closed = true;
        context.runOnContext(ignored -> response.reset());
    }

    static String frame(String event, String data) {
        StringBuilder frame = new StringBuilder(data.length() + event.length() + 16);
        frame.append("event: ").append(event).append('\n');
        for (String line : data.split("\n", -1)) {
            frame.append("data: ").append(line).append('\n');
        }
        return frame.append('\n').toString();
    }
}
