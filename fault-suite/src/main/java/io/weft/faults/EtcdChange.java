package io.weft.faults;

/**
 * One put or delete of a lease key, read from etcd's own history in revision order.
 *
 * @param revision the etcd revision of the change (its mod revision, for a put)
 * @param subnet the key's subnet, as "10.1.2.0/24"
 * @param node the node name in the stored value; null for a delete
 */
public record EtcdChange(long revision, String subnet, String node) {

    public boolean isDelete() {
        return node == null;
    }

    static EtcdChange put(long revision, String subnet, String node) {
        return new EtcdChange(revision, subnet, node);
    }

    static EtcdChange delete(long revision, String subnet) {
        return new EtcdChange(revision, subnet, null);
    }
}
