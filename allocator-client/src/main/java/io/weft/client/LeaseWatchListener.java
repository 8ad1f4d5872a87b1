package io.weft.client;

import io.grpc.Status;
import io.weft.api.v1.Lease;
import io.weft.api.v1.WatchLeasesResponse;
import java.time.Duration;
import java.util.Map;

/**
 * What a {@link LeaseWatch} delivers. Calls come one at a time, in revision order, and the
 * watch's {@link LeaseWatch#view() view} already includes the change being reported. An exception
 * thrown here is logged and ignored. Every method does nothing by default.
 */
public interface LeaseWatchListener {

    /**
     * The full state at {@code revision}, replacing everything known before: the first snapshot of
     * a watch, or one with {@code reset} set when the server could not resume from the last
     * revision seen (the changes in between are folded into it).
     *
     * @param leases every lease, keyed by {@link LeaseKey#of(Lease)}
     */
    default void onSnapshot(long revision, boolean reset, Map<String, Lease> leases) {}

    /** One ADDED, MODIFIED or REMOVED event. */
    default void onEvent(WatchLeasesResponse event) {}

    /**
     * One ADDED, MODIFIED or REMOVED event with the watch's view after it: every lease by
     * {@link LeaseKey}, read-only and valid only during the call (copy what must outlive it), so a
     * listener that needs the whole state keeps no second map. By default
     * {@link #onEvent(WatchLeasesResponse)}.
     */
    default void onEvent(WatchLeasesResponse event, Map<String, Lease> view) {
        onEvent(event);
    }

    /** The stream broke; the watch resumes from the last revision seen after {@code retryIn}. */
    default void onDisconnected(Status cause, Duration retryIn) {}

    /** The server refused the watch in a way retrying will not fix; the watch has stopped. */
    default void onFailed(Status cause) {}
}
