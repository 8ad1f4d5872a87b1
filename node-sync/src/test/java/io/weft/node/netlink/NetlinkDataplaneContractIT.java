package io.weft.node.netlink;

import io.weft.node.dataplane.DataplaneContract;
import io.weft.node.dataplane.DataplaneFixture;
import io.weft.testsupport.NetworkNamespace;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

/**
 * The shared {@link DataplaneContract} against the real kernel, in one fresh network namespace
 * for the class. Before each test whatever an earlier (failed) test left behind is removed, so
 * every test starts from "nothing of weft's".
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NetlinkDataplaneContractIT extends DataplaneContract {

    private static final Set<String> FIXTURE_DEVICES = Set.of("lo", TestNamespace.UNDERLAY, TestNamespace.PEER);

    private static NetworkNamespace namespace;

    @BeforeAll
    static void createNamespace() {
        namespace = TestNamespace.create();
    }

    @AfterAll
    static void deleteNamespace() {
        if (namespace != null) {
            namespace.close();
        }
    }

    @Override
    protected DataplaneFixture fixture() {
        NetlinkDataplane dataplane = NetlinkDataplane.openIn(namespace.file());
        removeLeftovers();
        return new DataplaneFixture(
                dataplane,
                TestNamespace.UNDERLAY,
                TestNamespace.UNDERLAY_IPV4,
                TestNamespace.UNDERLAY_IPV4_SUBNET,
                TestNamespace.UNDERLAY_IPV6,
                TestNamespace.UNDERLAY_IPV6_SUBNET);
    }

    private static void removeLeftovers() {
        for (String line : namespace.ip("-o", "link", "show").lines().toList()) {
            String device = line.split(":\\s+")[1].split("@")[0];
            if (!FIXTURE_DEVICES.contains(device)) {
                namespace.ip("link", "del", device);
            }
        }
        namespace.ip("-4", "route", "flush", "proto", "0x77");
        namespace.ip("-6", "route", "flush", "proto", "0x77");
    }
}
