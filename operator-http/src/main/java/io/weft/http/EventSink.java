package io.weft.http;

/**
 * One client of a server-sent events route. Thread-safe: any thread may send; events reach the
 * client in the order they were sent.
 */
public interface EventSink {

    /**
     * Queues one event (name and one JSON or text line of data). Answers false, queuing nothing,
     * once the client has gone or fell so far behind that its stream was closed (a browser's
     * EventSource then reconnects and starts over).
     */
    boolean send(String event, String data);
}
