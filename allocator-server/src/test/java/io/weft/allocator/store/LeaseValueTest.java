package io.weft.allocator.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.config.json.Json;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** flannel's lease value JSON: what flanneld writes parses, and what weft writes has flannel's shapes. */
@Timeout(60)
class LeaseValueTest {

    private static final long SEED = Long.getLong("weft.test.seed", System.nanoTime());

    /** Observed from a running flanneld (vxlan backend). */
    private static final String FLANNEL_VXLAN = "{\"PublicIP\":\"192.168.64.3\",\"PublicIPv6\":null,"
            + "\"BackendType\":\"vxlan\",\"BackendData\":{\"VNI\":1,\"VtepMAC\":\"c6:d2:32:6f:8f:44\"}}";

    private static final String FLANNEL_HOST_GW =
            "{\"PublicIP\":\"10.0.0.5\",\"PublicIPv6\":null," + "\"BackendType\":\"host-gw\"}";
    private static final String FLANNEL_DUAL_STACK = "{\"PublicIP\":\"10.0.0.5\",\"PublicIPv6\":\"fd00::5\","
            + "\"BackendType\":\"vxlan\",\"BackendData\":{\"VNI\":1,\"VtepMAC\":\"c6:d2:32:6f:8f:44\"},"
            + "\"BackendV6Data\":{\"VNI\":1,\"VtepMAC\":\"d2:aa:01:02:03:04\"}}";

    @SuppressWarnings("unchecked")
    private static Map<String, Object> fields(String json) {
        return (Map<String, Object>) Json.parse(json);
    }

    @Test
    void aNodeNameThatIsNoNodeNameIsRefusedBeforeItReachesALogLine() {
        for (String name : new String[] {"a\nb", "-a", "a".repeat(254), "node a", "n\u001b[31m"}) {
            assertThatThrownBy(() -> LeaseValue.parse("{\"PublicIP\":\"10.0.0.1\",\"NodeName\":\""
                            + name.replace("\n", "\\n").replace("\u001b", "\\u001b") + "\"}"))
                    .as(name)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("NodeName");
        }
        assertThat(LeaseValue.parse("{\"PublicIP\":\"10.0.0.1\",\"NodeName\":\"" + "a".repeat(253) + "\"}")
                        .nodeName())
                .hasSize(253);
    }

    @Test
    void flannelsVxlanLeaseParses() {
        LeaseValue value = LeaseValue.parse(FLANNEL_VXLAN);

        assertThat(value.publicIp()).isEqualTo("192.168.64.3");
        assertThat(value.publicIpv6()).isEmpty();
        assertThat(value.backendType()).isEqualTo("vxlan");
        assertThat(value.backendData()).isEqualTo(new VtepData(1, "c6:d2:32:6f:8f:44"));
        assertThat(value.backendV6Data()).isNull();
        assertThat(value.nodeName()).as("flanneld writes no node name").isEmpty();
        assertThat(value.extra()).isEmpty();
    }

    @Test
    void flannelsLeasesAreWrittenBackByteForByte() {
        for (String json : List.of(FLANNEL_VXLAN, FLANNEL_HOST_GW, FLANNEL_DUAL_STACK)) {
            assertThat(LeaseValue.parse(json).toJson()).isEqualTo(json);
        }
    }

    @Test
    void flannelsHostGwLeaseHasNoBackendData() {
        LeaseValue value = LeaseValue.parse(FLANNEL_HOST_GW);

        assertThat(value.publicIp()).isEqualTo("10.0.0.5");
        assertThat(value.backendType()).isEqualTo("host-gw");
        assertThat(value.backendData()).isNull();
    }

    @Test
    void flannelsDualStackLeaseCarriesBothVteps() {
        LeaseValue value = LeaseValue.parse(FLANNEL_DUAL_STACK);

        assertThat(value.publicIpv6()).isEqualTo("fd00::5");
        assertThat(value.backendData()).isEqualTo(new VtepData(1, "c6:d2:32:6f:8f:44"));
        assertThat(value.backendV6Data()).isEqualTo(new VtepData(1, "d2:aa:01:02:03:04"));
    }

    @Test
    void ourVxlanLeaseHasFlannelsFieldNamesAndOrder() {
        LeaseValue value =
                new LeaseValue("192.168.64.3", "", "vxlan", new VtepData(1, "c6:d2:32:6f:8f:44"), null, "node-1");

        assertThat(value.toJson())
                .isEqualTo("{\"PublicIP\":\"192.168.64.3\",\"PublicIPv6\":null,"
                        + "\"BackendType\":\"vxlan\",\"BackendData\":{\"VNI\":1,\"VtepMAC\":\"c6:d2:32:6f:8f:44\"},"
                        + "\"NodeName\":\"node-1\"}");
    }

    @Test
    void publicIpv6IsAlwaysPresentAndNullWhenEmpty() {
        Map<String, Object> without = fields(new LeaseValue("10.0.0.5", "", "", null, null, "").toJson());
        Map<String, Object> with = fields(new LeaseValue("10.0.0.5", "fd00::5", "", null, null, "").toJson());

        assertThat(without).containsKey("PublicIPv6");
        assertThat(without.get("PublicIPv6")).isNull();
        assertThat(with).containsEntry("PublicIPv6", "fd00::5");
    }

    @Test
    void emptyBackendFieldsAndNodeNameAreOmitted() {
        String json = new LeaseValue("10.0.0.5", "", "", null, null, "").toJson();

        assertThat(json).isEqualTo("{\"PublicIP\":\"10.0.0.5\",\"PublicIPv6\":null}");
    }

    @Test
    void aMissingOrNullFieldReadsAsEmpty() {
        LeaseValue old = LeaseValue.parse("{\"PublicIP\":\"10.0.0.5\"}");
        LeaseValue nulls = LeaseValue.parse("{\"PublicIP\":\"10.0.0.5\",\"PublicIPv6\":null,\"BackendType\":null,"
                + "\"BackendData\":null,\"BackendV6Data\":null,\"NodeName\":null}");

        for (LeaseValue value : List.of(old, nulls)) {
            assertThat(value).isEqualTo(new LeaseValue("10.0.0.5", "", "", null, null, ""));
        }
    }

    @Test
    void unknownFieldsArePreservedWhenTheValueIsRewritten() {
        String stored = "{\"PublicIP\":\"10.0.0.5\",\"PublicIPv6\":null,\"BackendType\":\"vxlan\","
                + "\"BackendData\":{\"VNI\":4096,\"VtepMAC\":\"c6:d2:32:6f:8f:44\",\"GBP\":true},"
                + "\"FutureField\":{\"list\":[1,\"two\",false],\"n\":-7},\"Note\":\"kept\"}";
        LeaseValue value = LeaseValue.parse(stored);

        // What a reservation does to a flanneld lease: same attributes, weft's node name added.
        LeaseValue rewritten = new LeaseValue(
                value.publicIp(),
                value.publicIpv6(),
                value.backendType(),
                value.backendData(),
                value.backendV6Data(),
                "node-1",
                value.extra());
        Map<String, Object> json = fields(rewritten.toJson());

        assertThat(json)
                .containsEntry("FutureField", Map.of("list", List.of(1L, "two", false), "n", -7L))
                .containsEntry("Note", "kept")
                .containsEntry("NodeName", "node-1");
        assertThat(json.get("BackendData"))
                .isEqualTo(Map.of("VNI", 4096L, "VtepMAC", "c6:d2:32:6f:8f:44", "GBP", true));
        assertThat(LeaseValue.parse(rewritten.toJson())).isEqualTo(rewritten);
    }

    @Test
    void valuesThatAreNotFlannelsShapeAreRejected() {
        String[] bad = {
            "",
            "{",
            "[]",
            "\"x\"",
            "null",
            "5",
            "true",
            "{\"PublicIP\":\"10.0.0.5\"} trailing",
            "{\"PublicIP\":5}",
            "{\"PublicIP\":[\"10.0.0.5\"]}",
            "{\"PublicIPv6\":true}",
            "{\"BackendType\":{}}",
            "{\"BackendType\":1}",
            "{\"NodeName\":[]}",
        };
        for (String json : bad) {
            assertThatThrownBy(() -> LeaseValue.parse(json))
                    .as("value %s", json)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> LeaseValue.parse("{\"PublicIP\":5}")).hasMessageContaining("PublicIP");
        assertThatThrownBy(() -> LeaseValue.parse("{\"BackendType\":{}}")).hasMessageContaining("BackendType");
    }

    @Test
    void sameAttributesIgnoresExtraFieldsButNothingElse() {
        LeaseValue base = new LeaseValue(
                "10.0.0.5",
                "fd00::5",
                "vxlan",
                new VtepData(1, "aa:bb:cc:dd:ee:ff"),
                new VtepData(1, "aa:bb:cc:dd:ee:00"),
                "node-1");
        LeaseValue withExtra = new LeaseValue(
                "10.0.0.5",
                "fd00::5",
                "vxlan",
                new VtepData(1, "aa:bb:cc:dd:ee:ff", Map.of("GBP", true)),
                new VtepData(1, "aa:bb:cc:dd:ee:00"),
                "node-1",
                Map.of("Other", "x"));

        assertThat(base.sameAttributes(withExtra)).isTrue();
        List<LeaseValue> different = List.of(
                new LeaseValue("10.0.0.6", "fd00::5", "vxlan", base.backendData(), base.backendV6Data(), "node-1"),
                new LeaseValue("10.0.0.5", "", "vxlan", base.backendData(), base.backendV6Data(), "node-1"),
                new LeaseValue("10.0.0.5", "fd00::5", "host-gw", base.backendData(), base.backendV6Data(), "node-1"),
                new LeaseValue(
                        "10.0.0.5",
                        "fd00::5",
                        "vxlan",
                        new VtepData(2, "aa:bb:cc:dd:ee:ff"),
                        base.backendV6Data(),
                        "node-1"),
                new LeaseValue(
                        "10.0.0.5",
                        "fd00::5",
                        "vxlan",
                        new VtepData(1, "aa:bb:cc:dd:ee:fe"),
                        base.backendV6Data(),
                        "node-1"),
                new LeaseValue("10.0.0.5", "fd00::5", "vxlan", null, base.backendV6Data(), "node-1"),
                new LeaseValue("10.0.0.5", "fd00::5", "vxlan", base.backendData(), null, "node-1"),
                new LeaseValue("10.0.0.5", "fd00::5", "vxlan", base.backendData(), base.backendV6Data(), "node-2"));
        for (LeaseValue other : different) {
            assertThat(base.sameAttributes(other)).as("%s", other).isFalse();
            assertThat(other.sameAttributes(base)).as("%s", other).isFalse();
        }
    }

    @Test
    void randomValuesRoundTripThroughJson() {
        Random random = new Random(SEED);
        for (int i = 0; i < 5_000; i++) {
            // Only vxlan's BackendData is read as VTEP data; other backends' stays raw (in extra).
            boolean vxlan = random.nextBoolean();
            String backendType = vxlan ? "vxlan" : random.nextBoolean() ? "" : "x" + text(random);
            // The unspecified addresses stand for "none" in flannel's JSON, so they read back as "".
            LeaseValue value = new LeaseValue(
                    specified(text(random)),
                    random.nextBoolean() ? "" : specified(text(random)),
                    backendType,
                    vxlan && random.nextBoolean() ? vtep(random) : null,
                    vxlan && random.nextBoolean() ? vtep(random) : null,
                    random.nextBoolean() ? "" : "node-" + Integer.toHexString(random.nextInt()),
                    extra(
                            random,
                            0,
                            List.of(
                                    "PublicIP",
                                    "PublicIPv6",
                                    "BackendType",
                                    "BackendData",
                                    "BackendV6Data",
                                    "NodeName")));

            String json = value.toJson();

            assertThat(LeaseValue.parse(json)).as("seed %d: %s", SEED, json).isEqualTo(value);
            assertThat(fields(json)).as("seed %d", SEED).containsKey("PublicIP").containsKey("PublicIPv6");
        }
    }

    private static String specified(String address) {
        return address.equals("::") || address.equals("0.0.0.0") ? "x" + address : address;
    }

    private static VtepData vtep(Random random) {
        return new VtepData(random.nextInt(1 << 24), text(random), extra(random, 0, List.of("VNI", "VtepMAC")));
    }

    private static String text(Random random) {
        String alphabet = "abc019.:-\"\\/\u00e9\u4e2d\n\t\u0001 ";
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(12);
        for (int i = 0; i < length; i++) {
            text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return text.toString();
    }

    private static Map<String, Object> extra(Random random, int depth, List<String> reserved) {
        Map<String, Object> extra = new LinkedHashMap<>();
        int count = random.nextInt(depth == 0 ? 3 : 4);
        for (int i = 0; i < count; i++) {
            String key = "X" + text(random);
            if (reserved.contains(key)) {
                continue;
            }
            extra.put(
                    key,
                    switch (random.nextInt(depth < 2 ? 5 : 3)) {
                        case 0 -> random.nextLong();
                        case 1 -> text(random);
                        case 2 -> random.nextBoolean();
                        case 3 -> extra(random, depth + 1, List.of());
                        default -> {
                            List<Object> list = new ArrayList<>();
                            list.add(random.nextLong());
                            list.add(text(random));
                            yield list;
                        }
                    });
        }
        return extra;
    }

    // ---------------------------------------------------------------- found bugs

    @Test
    void aValueWithoutPublicIpv4IsWrittenAsFlannelsZeroAddress() {
        Map<String, Object> json = fields(new LeaseValue("", "fd00::5", "", null, null, "node-1").toJson());

        assertThat(json).containsEntry("PublicIP", "0.0.0.0");
    }

    @Test
    void backendDataThatIsNotAnObjectSurvivesARewrite() {
        String stored = "{\"PublicIP\":\"10.0.0.5\",\"PublicIPv6\":null,\"BackendType\":\"extension\","
                + "\"BackendData\":\"c6:d2:32:6f:8f:44\"}";

        assertThat(LeaseValue.parse(stored).toJson()).isEqualTo(stored);
    }

    @Test
    void objectBackendDataOfAnotherBackendIsWrittenBackUnchanged() {
        String stored = "{\"PublicIP\":\"10.0.0.5\",\"PublicIPv6\":null,\"BackendType\":\"ipip\","
                + "\"BackendData\":{\"Mask\":24}}";

        assertThat(LeaseValue.parse(stored).toJson()).isEqualTo(stored);
    }

    @Test
    void theUsualBackendTypesAreOneInstanceHoweverTheValueWasMade() {
        // Built at run time, as a request's or a decoded value's text is: a new string each time.
        String vxlan = new StringBuilder("nalxv").reverse().toString();
        String hostGw = new StringBuilder("wg-tsoh").reverse().toString();

        assertThat(new LeaseValue("10.0.0.1", "", vxlan, null, null, "a").backendType())
                .isSameAs("vxlan");
        assertThat(new LeaseValue("10.0.0.1", "", hostGw, null, null, "a").backendType())
                .isSameAs("host-gw");
        assertThat(LeaseValue.parse(FLANNEL_VXLAN).backendType()).isSameAs("vxlan");
        assertThat(LeaseValue.parse(FLANNEL_HOST_GW).backendType()).isSameAs("host-gw");
        assertThat(new LeaseValue("10.0.0.1", "", "udp", null, null, "a").backendType())
                .isEqualTo("udp");
    }
}
