package io.weft.allocator.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.config.IpPrefix;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One revision's records as the watch decodes them, each key to its own copies: the claims end
 * up sharing their lease's strings and subnet key, equal to what was decoded.
 */
class SharedValuesTest {

    /** A fresh copy of the text, as decoding another key would make. */
    private static String copy(String text) {
        return new String(text.toCharArray());
    }

    private static SubnetKey subnet() {
        return SubnetKey.ipv4Only(IpPrefix.parse("10.7.3.0/24"));
    }

    private final StoredLease lease = new StoredLease(
            subnet(),
            new LeaseValue("192.168.4.7", "", "vxlan", new VtepData(1, "0e:00:00:00:04:07"), null, "node-7"),
            42,
            9);
    private final NodeClaim claim = new NodeClaim(copy("node-7"), subnet(), 9);
    private final AddressClaim ip =
            new AddressClaim(new HostAddress(HostAddress.Kind.PUBLIC_IP, copy("192.168.4.7")), copy("node-7"), 9);
    private final AddressClaim mac =
            new AddressClaim(new HostAddress(HostAddress.Kind.VTEP_MAC, copy("0e:00:00:00:04:07")), copy("node-7"), 9);

    @Test
    void claimsShareTheirLeasesStringsAndSubnetAndStayEqual() {
        List<StoreEvent> shared = SharedValues.within(List.of(
                new StoreEvent.ClaimPut(claim),
                new StoreEvent.LeasePut(lease, true),
                new StoreEvent.AddressPut(ip),
                new StoreEvent.AddressPut(mac)));

        NodeClaim sharedClaim = ((StoreEvent.ClaimPut) shared.get(0)).claim();
        AddressClaim sharedIp = ((StoreEvent.AddressPut) shared.get(2)).claim();
        AddressClaim sharedMac = ((StoreEvent.AddressPut) shared.get(3)).claim();
        assertThat(sharedClaim).isEqualTo(claim);
        assertThat(sharedClaim.nodeName()).isSameAs(lease.value().nodeName());
        assertThat(sharedClaim.subnet()).isSameAs(lease.subnet());
        assertThat(sharedIp).isEqualTo(ip);
        assertThat(sharedIp.address().text()).isSameAs(lease.value().publicIp());
        assertThat(sharedIp.nodeName()).isSameAs(lease.value().nodeName());
        assertThat(sharedMac).isEqualTo(mac);
        assertThat(sharedMac.address().text())
                .isSameAs(lease.value().backendData().vtepMac());
        assertThat(shared.get(1)).isSameAs(shared.get(1)).isEqualTo(new StoreEvent.LeasePut(lease, true));
    }

    @Test
    void recordsWithoutALeaseAreKeptInOrderAndEqual() {
        List<StoreEvent> records = List.of(
                new StoreEvent.ClaimDeleted("node-1", 5),
                new StoreEvent.ClaimPut(claim),
                new StoreEvent.AddressDeleted(ip.address(), 5));

        assertThat(SharedValues.within(records)).containsExactlyElementsOf(records);
    }
}
