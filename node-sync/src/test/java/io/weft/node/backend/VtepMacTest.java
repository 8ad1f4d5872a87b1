package io.weft.node.backend;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.config.IpFamily;
import io.weft.node.dataplane.MacAddress;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link VtepMac}: stable, well-formed, locally administered unicast, distinct per input. */
@Timeout(30)
class VtepMacTest {

    @Test
    void theMacIsPinnedSoItSurvivesUpgrades() {
        // Computed independently: sha256("weft-vtep:node-a:1")[0..6] = 9b:01:e9:39:9c:a3, bits fixed.
        assertThat(VtepMac.derive("node-a", 1, IpFamily.IPV4)).isEqualTo("9a:01:e9:39:9c:a3");
        // sha256("weft-vtep-v6:node-a:1") starts 7c: the local bit gets set.
        assertThat(VtepMac.derive("node-a", 1, IpFamily.IPV6)).isEqualTo("7e:28:37:d8:a2:f8");
    }

    @Test
    void everyDerivedMacIsALocallyAdministeredUnicastAddress() {
        for (int i = 0; i < 500; i++) {
            String mac = VtepMac.derive("node-" + i, i % 7, i % 2 == 0 ? IpFamily.IPV4 : IpFamily.IPV6);

            assertThat(mac).matches("([0-9a-f]{2}:){5}[0-9a-f]{2}");
            byte first = MacAddress.toBytes(mac)[0];
            assertThat(first & 0x02).as("locally administered: %s", mac).isEqualTo(0x02);
            assertThat(first & 0x01).as("unicast: %s", mac).isZero();
            assertThat(VtepMac.isUnicast(mac)).isTrue();
        }
    }

    @Test
    void theMacIsTheSameEveryTimeAndDiffersByNodeVniAndFamily() {
        Set<String> seen = new HashSet<>();
        for (String node : new String[] {"node-a", "node-b", "node-a.example.com"}) {
            for (int vni : new int[] {1, 2, 4096}) {
                for (IpFamily family : IpFamily.values()) {
                    String mac = VtepMac.derive(node, vni, family);
                    assertThat(VtepMac.derive(node, vni, family)).isEqualTo(mac);
                    seen.add(mac);
                }
            }
        }
        assertThat(seen).hasSize(3 * 3 * 2);
    }

    @Test
    void multicastBroadcastAndZeroMacsAreNotUnicast() {
        assertThat(VtepMac.isUnicast("01:00:5e:00:00:01")).isFalse();
        assertThat(VtepMac.isUnicast("ff:ff:ff:ff:ff:ff")).isFalse();
        assertThat(VtepMac.isUnicast("00:00:00:00:00:00")).isFalse();
        assertThat(VtepMac.isUnicast("c6:d2:32:6f:8f:44")).isTrue();
    }
}
