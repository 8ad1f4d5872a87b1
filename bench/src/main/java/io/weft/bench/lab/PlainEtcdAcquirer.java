package io.weft.bench.lab;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The baseline of issue 4: a plain jetcd client doing the minimal work of one new lease itself,
 * as flanneld does: grant an etcd lease, then put the key only if it does not exist yet
 * ({@code If(version(key) == 0) Then(put(key, value, lease))}). No allocation logic: lease
 * {@code n} takes the n-th key of a flannel-format key space under its own prefix, with a
 * value of the same shape and size as weft's.
 */
public final class PlainEtcdAcquirer implements AutoCloseable {

    private final Client client;
    private final String subnetsPrefix;
    private final Duration ttl;

    public PlainEtcdAcquirer(String etcdEndpoint, String prefix, Duration ttl) {
        this.client = Client.builder().endpoints(etcdEndpoint).build();
        this.subnetsPrefix = prefix + "/subnets/";
        this.ttl = ttl;
    }

    /** Creates lease {@code n}; answers its etcd lease id. Blocks. */
    public long acquire(int n) throws Exception {
        long leaseId = client.getLeaseClient().grant(ttl.toSeconds()).get().getID();
        ByteSequence key = bytes(subnetsPrefix + "10." + ((n >>> 10) & 0xff) + "." + ((n >>> 2) & 0xff) + "."
                + ((n & 0x3) << 6) + "-26");
        String value = "{\"PublicIP\":\"" + BenchNetwork.publicIpv4(n) + "\",\"PublicIPv6\":null,"
                + "\"BackendType\":\"vxlan\",\"BackendData\":{\"VNI\":1,\"VtepMAC\":\"0a:58:00:00:00:01\"},"
                + "\"NodeName\":\"baseline-" + n + "\"}";
        TxnResponse response = client.getKVClient()
                .txn()
                .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(0)))
                .Then(Op.put(
                        key,
                        bytes(value),
                        PutOption.builder().withLeaseId(leaseId).build()))
                .commit()
                .get();
        if (!response.isSucceeded()) {
            throw new IllegalStateException("baseline key " + key + " already exists");
        }
        return leaseId;
    }

    /** Renews one etcd lease once, as a node's keep-alive would. Blocks. */
    public void renew(long leaseId) throws Exception {
        client.getLeaseClient().keepAliveOnce(leaseId).get();
    }

    @Override
    public void close() {
        client.close();
    }

    private static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }
}
