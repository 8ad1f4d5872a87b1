package io.weft.allocator.service;

import io.weft.allocator.store.AddressFence;
import io.weft.allocator.store.AddressFences;
import io.weft.allocator.store.LeaseStore;
import io.weft.allocator.store.LeaseValue;
import io.weft.allocator.store.LeaseWrite;
import io.weft.allocator.store.Snapshot;
import io.weft.allocator.store.StoreEvent;
import io.weft.allocator.store.SubnetKey;
import io.weft.allocator.store.WriteOutcome;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/** A LeaseStore that passes every call to a real one; tests override the call they steer. */
class ForwardingLeaseStore implements LeaseStore {

    private final LeaseStore delegate;

    ForwardingLeaseStore(LeaseStore delegate) {
        this.delegate = delegate;
    }

    @Override
    public CompletableFuture<Snapshot> snapshot() {
        return delegate.snapshot();
    }

    @Override
    public CompletableFuture<Long> currentRevision() {
        return delegate.currentRevision();
    }

    @Override
    public CompletableFuture<Long> putConfig(String json) {
        return delegate.putConfig(json);
    }

    @Override
    public CompletableFuture<Long> grant(Duration ttl) {
        return delegate.grant(ttl);
    }

    @Override
    public CompletableFuture<OptionalLong> timeToLive(long etcdLeaseId) {
        return delegate.timeToLive(etcdLeaseId);
    }

    @Override
    public CompletableFuture<WriteOutcome> compareAndPut(
            SubnetKey subnet, LeaseValue value, long etcdLeaseId, long expectedModRevision, AddressFences addresses) {
        return delegate.compareAndPut(subnet, value, etcdLeaseId, expectedModRevision, addresses);
    }

    @Override
    public CompletableFuture<WriteOutcome> compareAndDelete(
            SubnetKey subnet, long expectedModRevision, List<AddressFence> addresses) {
        return delegate.compareAndDelete(subnet, expectedModRevision, addresses);
    }

    @Override
    public CompletableFuture<WriteOutcome> putWithClaim(LeaseWrite write) {
        return delegate.putWithClaim(write);
    }

    @Override
    public CompletableFuture<WriteOutcome> deleteWithClaim(
            SubnetKey subnet,
            long expectedModRevision,
            String nodeName,
            long expectedClaimRevision,
            List<AddressFence> addresses) {
        return delegate.deleteWithClaim(subnet, expectedModRevision, nodeName, expectedClaimRevision, addresses);
    }

    @Override
    public CompletableFuture<StoreEvent> read(SubnetKey subnet) {
        return delegate.read(subnet);
    }

    @Override
    public AutoCloseable watch(long fromRevision, WatchListener listener) {
        return delegate.watch(fromRevision, listener);
    }

    @Override
    public CompletableFuture<List<StoreEvent>> history(long fromRevision, long throughRevision, int maxEvents) {
        return delegate.history(fromRevision, throughRevision, maxEvents);
    }

    @Override
    public void close() {
        // the test owns the real store
    }
}
