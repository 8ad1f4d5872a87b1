package io.weft.allocator.store;

/** Sees every etcd request's kind, duration and outcome (for the latency metrics). */
@FunctionalInterface
public interface EtcdRequestObserver {

    EtcdRequestObserver NONE = (operation, nanos, succeeded) -> {};

    void observe(String operation, long nanos, boolean succeeded);
}
