package io.weft.client;

import io.grpc.Status;
import io.weft.api.v1.Lease;
import io.weft.api.v1.WatchLeasesResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** Writes down what a {@link LeaseWatch} delivered, one short line per call. */
final class RecordingWatchListener implements LeaseWatchListener {

    final List<String> events = new CopyOnWriteArrayList<>();
    /** The keys of the view handed over with each event. */
    final List<List<String>> eventViews = new CopyOnWriteArrayList<>();

    @Override
    public void onEvent(WatchLeasesResponse event, Map<String, Lease> view) {
        eventViews.add(List.copyOf(view.keySet()));
        onEvent(event);
    }

    @Override
    public void onSnapshot(long revision, boolean reset, Map<String, Lease> leases) {
        events.add(revision + " SNAPSHOT" + (reset ? " reset " : " ") + leases.keySet());
    }

    @Override
    public void onEvent(WatchLeasesResponse event) {
        events.add(event.getRevision() + " " + event.getType() + " "
                + event.getLease().getSubnet());
    }

    @Override
    public void onDisconnected(Status cause, Duration retryIn) {
        events.add("disconnected " + cause.getCode() + ", retry in " + retryIn.toMillis() + " ms");
    }

    @Override
    public void onFailed(Status cause) {
        events.add("failed " + cause.getCode());
    }
}
