package io.weft.allocator.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.config.IpAddress;
import io.weft.config.IpPrefix;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** flannel's etcd key forms, exactly, and the parse/format round trip. */
@Timeout(60)
class KeyLayoutTest {

    private static final long SEED = Long.getLong("weft.test.seed", System.nanoTime());
    private static final KeyLayout FLANNEL = new KeyLayout(KeyLayout.DEFAULT_PREFIX);

    private static IpPrefix p(String cidr) {
        return IpPrefix.parse(cidr);
    }

    @Test
    void theDefaultPrefixIsFlannels() {
        assertThat(KeyLayout.DEFAULT_PREFIX).isEqualTo("/coreos.com/network");
        assertThat(FLANNEL.prefix()).isEqualTo("/coreos.com/network");
        assertThat(FLANNEL.configKey()).isEqualTo("/coreos.com/network/config");
        assertThat(FLANNEL.subnetsPrefix()).isEqualTo("/coreos.com/network/subnets/");
        assertThat(FLANNEL.watchPrefix()).isEqualTo("/coreos.com/network/");
    }

    @Test
    void snapshotCutsCoverThePrefixInKeyOrderWithEachFamilyInARangeOfItsOwn() {
        java.util.List<String> cuts = FLANNEL.snapshotCuts();
        assertThat(cuts).isSorted().doesNotHaveDuplicates();
        assertThat(cuts.getFirst()).isEqualTo(FLANNEL.watchPrefix());
        assertThat(cuts.getLast()).isEqualTo("/coreos.com/network0");
        for (String family : java.util.List.of(
                FLANNEL.subnetsPrefix(),
                FLANNEL.weftPrefix() + "nodes/",
                FLANNEL.weftPrefix() + "addresses/public-ip/",
                FLANNEL.weftPrefix() + "addresses/public-ipv6/",
                FLANNEL.weftPrefix() + "addresses/vtep-mac/")) {
            int at = cuts.indexOf(family);
            assertThat(at).as(family).isPositive();
            assertThat(cuts.get(at + 1)).as("the end of " + family).isEqualTo(KeyLayout.prefixEnd(family));
        }
        // Every key of a family falls in its range; the config key falls in none of them.
        String lease = FLANNEL.leaseKey(SubnetKey.ipv4Only(p("10.1.2.0/24")));
        int range = -java.util.Collections.binarySearch(cuts, lease) - 2;
        assertThat(cuts.get(range)).isEqualTo(FLANNEL.subnetsPrefix());
        assertThat(FLANNEL.configKey()).isGreaterThan(cuts.getFirst()).isLessThan(FLANNEL.subnetsPrefix());
    }

    @Test
    void weftsOwnKeysLiveOutsideFlannelsFolders() {
        assertThat(FLANNEL.weftPrefix()).isEqualTo("/coreos.com/network/weft/");
        assertThat(FLANNEL.weftPrefix())
                .doesNotStartWith(FLANNEL.subnetsPrefix())
                .isNotEqualTo(FLANNEL.configKey());
        assertThat(FLANNEL.parseLeaseKey(FLANNEL.weftPrefix() + "compaction")).isEmpty();
    }

    @Test
    void anAddressClaimKeyNamesItsKindAndRoundTrips() {
        for (HostAddress address : new HostAddress[] {
            new HostAddress(HostAddress.Kind.PUBLIC_IP, "10.0.0.1"),
            new HostAddress(HostAddress.Kind.PUBLIC_IPV6, "fd00::1"),
            new HostAddress(HostAddress.Kind.VTEP_MAC, "0a:00:00:00:00:01")
        }) {
            String key = FLANNEL.addressKey(address);
            assertThat(key)
                    .startsWith(
                            FLANNEL.weftPrefix() + "addresses/" + address.kind().keySegment() + "/");
            assertThat(FLANNEL.parseAddressKey(key)).contains(address);
            assertThat(FLANNEL.parseClaimKey(key)).isEmpty();
            assertThat(FLANNEL.parseLeaseKey(key)).isEmpty();
        }
        assertThat(FLANNEL.parseAddressKey(FLANNEL.weftPrefix() + "addresses/serial-no/42"))
                .isEmpty();
        assertThat(FLANNEL.parseAddressKey(FLANNEL.weftPrefix() + "addresses/public-ip/"))
                .isEmpty();
        assertThat(FLANNEL.parseAddressKey(FLANNEL.claimKey("node-a"))).isEmpty();
    }

    @Test
    void anIpv4LeaseKeyIsAddressDashLength() {
        assertThat(FLANNEL.leaseKey(SubnetKey.ipv4Only(p("10.244.1.0/24"))))
                .isEqualTo("/coreos.com/network/subnets/10.244.1.0-24");
    }

    @Test
    void aDualStackLeaseKeyJoinsBothWithAnAmpersandAndKeepsTheColons() {
        assertThat(FLANNEL.leaseKey(new SubnetKey(p("10.244.1.0/24"), p("fd00:12:13::/56"))))
                .isEqualTo("/coreos.com/network/subnets/10.244.1.0-24&fd00:12:13::-56");
    }

    @Test
    void anIpv6OnlyLeaseKeyHasOnlyTheIpv6Part() {
        assertThat(FLANNEL.leaseKey(new SubnetKey(null, p("fd00:12:13:100::/56"))))
                .isEqualTo("/coreos.com/network/subnets/fd00:12:13:100::-56");
    }

    @Test
    void theIpv6PartIsWrittenInCanonicalForm() {
        assertThat(FLANNEL.leaseKey(new SubnetKey(p("10.0.0.0/24"), p("FD00:0:0:0:0:0:0:0/64"))))
                .isEqualTo("/coreos.com/network/subnets/10.0.0.0-24&fd00::-64");
    }

    @Test
    void flannelsKeysParse() {
        assertThat(FLANNEL.parseLeaseKey("/coreos.com/network/subnets/10.244.1.0-24"))
                .contains(SubnetKey.ipv4Only(p("10.244.1.0/24")));
        assertThat(FLANNEL.parseLeaseKey("/coreos.com/network/subnets/10.244.1.0-24&fd00:12:13::-56"))
                .contains(new SubnetKey(p("10.244.1.0/24"), p("fd00:12:13::/56")));
        assertThat(FLANNEL.parseLeaseKey("/coreos.com/network/subnets/fd00:12:13::-56"))
                .contains(new SubnetKey(null, p("fd00:12:13::/56")));
    }

    @Test
    void anotherPrefixIsUsedWithOrWithoutATrailingSlash() {
        KeyLayout slash = new KeyLayout("/weft/net/");
        KeyLayout plain = new KeyLayout("/weft/net");
        SubnetKey key = SubnetKey.ipv4Only(p("10.5.49.0/24"));

        for (KeyLayout layout : new KeyLayout[] {slash, plain}) {
            assertThat(layout.prefix()).isEqualTo("/weft/net");
            assertThat(layout.configKey()).isEqualTo("/weft/net/config");
            assertThat(layout.leaseKey(key)).isEqualTo("/weft/net/subnets/10.5.49.0-24");
            assertThat(layout.parseLeaseKey("/weft/net/subnets/10.5.49.0-24")).contains(key);
            assertThat(layout.parseLeaseKey("/coreos.com/network/subnets/10.5.49.0-24"))
                    .isEmpty();
        }
    }

    @Test
    void aPrefixMustBeAnAbsolutePath() {
        for (String bad : new String[] {"", "/", "coreos.com/network", "network/"}) {
            assertThatThrownBy(() -> new KeyLayout(bad))
                    .as("prefix \"%s\"", bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("must start with '/'");
        }
    }

    @Test
    void garbageKeysGiveEmpty() {
        String[] garbage = {
            "/coreos.com/network/config",
            "/coreos.com/network/subnets/",
            "/coreos.com/network/subnets",
            "/coreos.com/network/subnetsX/10.244.1.0-24",
            "/coreos.com/networkX/subnets/10.244.1.0-24",
            "/coreos.com/network/subnets/10.244.1.0",
            "/coreos.com/network/subnets/10.244.1.0/24",
            "/coreos.com/network/subnets/10.244.1.0-",
            "/coreos.com/network/subnets/-24",
            "/coreos.com/network/subnets/10.244.1.0--24",
            "/coreos.com/network/subnets/10.244.1.0-33",
            "/coreos.com/network/subnets/10.244.1.0-024",
            "/coreos.com/network/subnets/10.244.1.0-+24",
            "/coreos.com/network/subnets/10.244.1.0-24 ",
            "/coreos.com/network/subnets/10.244.1.5-24",
            "/coreos.com/network/subnets/10.244.1.256-24",
            "/coreos.com/network/subnets/10.244.1-24",
            "/coreos.com/network/subnets/10.244.1.0-24&",
            "/coreos.com/network/subnets/&fd00::-64",
            "/coreos.com/network/subnets/10.244.1.0-24&10.244.2.0-24",
            "/coreos.com/network/subnets/fd00::-64&10.244.1.0-24",
            "/coreos.com/network/subnets/fd00::-64&fd01::-64",
            "/coreos.com/network/subnets/10.244.1.0-24&fd00::-64&fd01::-64",
            "/coreos.com/network/subnets/10.244.1.0-24&fd00::1-64",
            "/coreos.com/network/subnets/10.244.1.0-24/extra",
            "/coreos.com/network/subnets/hello-world",
            "/coreos.com/network/subnets/fe80::1%eth0-64",
            "coreos.com/network/subnets/10.244.1.0-24",
            "",
        };
        for (String key : garbage) {
            assertThat(FLANNEL.parseLeaseKey(key)).as("key \"%s\"", key).isEmpty();
        }
    }

    @Test
    void randomSubnetKeysRoundTrip() {
        Random random = new Random(SEED);
        for (int i = 0; i < 20_000; i++) {
            IpPrefix v4 = random.nextInt(4) == 0 ? null : randomPrefix(random, false);
            IpPrefix v6 = v4 != null && random.nextBoolean() ? null : randomPrefix(random, true);
            SubnetKey key = new SubnetKey(v4, v6);

            String text = FLANNEL.leaseKey(key);

            assertThat(FLANNEL.parseLeaseKey(text))
                    .as("seed %d key %s", SEED, text)
                    .contains(key);
            assertThat(text).as("seed %d", SEED).startsWith("/coreos.com/network/subnets/");
            assertThat(text.substring(FLANNEL.subnetsPrefix().length()))
                    .as("seed %d", SEED)
                    .doesNotContain("/");
        }
    }

    @Test
    void randomTextNeverThrowsAndWhatParsesFormatsBackToTheSameKey() {
        Random random = new Random(SEED);
        String alphabet = "0123456789abcdefABCDEF.:-&/% x";
        String[] starts = {"10.244.1.0-24", "fd00:12:13::-56", "10.244.1.0-24&fd00:12:13::-56", ""};
        for (int i = 0; i < 50_000; i++) {
            StringBuilder name = new StringBuilder(starts[random.nextInt(starts.length)]);
            int edits = random.nextInt(4);
            for (int e = 0; e < edits; e++) {
                char c = alphabet.charAt(random.nextInt(alphabet.length()));
                int at = name.isEmpty() ? 0 : random.nextInt(name.length() + 1);
                if (random.nextBoolean() && at < name.length()) {
                    name.setCharAt(at, c);
                } else {
                    name.insert(at, c);
                }
            }
            String key = FLANNEL.subnetsPrefix() + name;

            Optional<SubnetKey> parsed = FLANNEL.parseLeaseKey(key);

            if (parsed.isPresent()) {
                String again = FLANNEL.leaseKey(parsed.get());
                assertThat(FLANNEL.parseLeaseKey(again))
                        .as("seed %d key \"%s\"", SEED, key)
                        .isEqualTo(parsed);
            }
        }
    }

    private static IpPrefix randomPrefix(Random random, boolean ipv6) {
        byte[] bytes = new byte[ipv6 ? 16 : 4];
        random.nextBytes(bytes);
        int bits = bytes.length * 8;
        int length = random.nextInt(bits + 1);
        for (int bit = length; bit < bits; bit++) {
            bytes[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        return IpPrefix.of(IpAddress.fromBytes(bytes), length);
    }
}
