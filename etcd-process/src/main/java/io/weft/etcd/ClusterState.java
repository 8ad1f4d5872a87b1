package io.weft.etcd;

/** The value of etcd's {@code --initial-cluster-state}. Ignored by etcd once the data dir holds a member. */
public enum ClusterState {
    /** All members listed in the initial cluster are bootstrapping together. */
    NEW("new"),
    /** The member joins, or rejoins, a cluster that already exists. */
    EXISTING("existing");

    private final String flagValue;

    ClusterState(String flagValue) {
        this.flagValue = flagValue;
    }

    /** The spelling etcd expects on its command line. */
    public String flagValue() {
        return flagValue;
    }
}
