package io.weft.http;

import java.util.Map;

/** What feeds a server-sent events route: each client that connects is subscribed once. */
@FunctionalInterface
public interface EventSource {

    /**
     * Starts feeding one client. The returned handle is closed when the client goes; it must
     * stop sending and release what the subscription holds.
     *
     * @param query the request's query parameters (first value of each)
     * @throws IllegalArgumentException for a bad query parameter: the client gets 400 and the message
     */
    AutoCloseable subscribe(Map<String, String> query, EventSink sink);
}
