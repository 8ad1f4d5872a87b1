package io.weft.allocator.fuzz;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Well-formed requests for any method, built from its input message descriptor, so a method or
 * field added later gets seeds without touching the fuzzer. Fields weft knows get values that
 * are valid or nearly so (a node name of the fuzzer's, a subnet of the network, a MAC); other
 * fields get a pick of plain values. Mutating these reaches deeper than random bytes, which
 * rarely get past the parser.
 */
final class SeedRequests {

    /** Node names the fuzzer's own seeds use; leases held by such names may be made by fuzz cases. */
    static final String NODE_PREFIX = "fuzz-";

    private static final String NETWORK_JSON = "{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"}}";

    private static final Map<String, List<String>> KNOWN_STRINGS = Map.ofEntries(
            Map.entry("public_ip", List.of("192.168.60.1", "192.168.60.77", "fd00::1", "", "300.1.2.3")),
            Map.entry("public_ipv6", List.of("", "fd00:60::1", "10.0.0.1")),
            Map.entry("backend_type", List.of("vxlan", "host-gw", "udp", "")),
            Map.entry("vtep_mac", List.of("0a:58:0a:f4:01:01", "0A:58:0A:F4:01:02", "ff:ff:ff:ff:ff:ff", "zz")),
            Map.entry(
                    "subnet",
                    List.of(
                            "10.244.7.0/24",
                            "10.244.8.0/24",
                            "10.244.0.0/24",
                            "10.99.0.0/24",
                            "fd00::/64",
                            "banana",
                            "")),
            Map.entry("previous_subnet", List.of("10.244.9.0/24", "10.244.7.0/24", "", "10.244.9.1/24")),
            Map.entry("ipv6_subnet", List.of("", "fd00:10:244:7::/64")),
            Map.entry("previous_ipv6_subnet", List.of("", "fd00:10:244:9::/64")),
            Map.entry("page_token", List.of("", "1", "2", "-1", "banana")),
            Map.entry("json", List.of(NETWORK_JSON, "{}", "", "{\"Network\":\"10.244.0.0/16\"}")),
            Map.entry("service", List.of("", "weft.v1.LeaseService", "nope")),
            Map.entry("file_containing_symbol", List.of("weft.v1.LeaseService", "weft.v1.Lease", "x")),
            Map.entry("file_by_filename", List.of("weft/v1/lease.proto", "nope.proto")),
            Map.entry("list_services", List.of("", "*")),
            Map.entry("host", List.of("", "localhost")));

    private SeedRequests() {}

    /** A request of this type, fields chosen by random (each known field set about 3 times in 4). */
    static DynamicMessage build(Descriptor type, RandomGenerator random) {
        return build(type, random, 0);
    }

    private static DynamicMessage build(Descriptor type, RandomGenerator random, int depth) {
        DynamicMessage.Builder message = DynamicMessage.newBuilder(type);
        for (FieldDescriptor field : type.getFields()) {
            if (random.nextInt(4) == 0 || (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE && depth > 2)) {
                continue;
            }
            int count = field.isRepeated() ? random.nextInt(3) : 1;
            for (int i = 0; i < count; i++) {
                Object value = value(field, random, depth);
                if (field.isRepeated()) {
                    message.addRepeatedField(field, value);
                } else {
                    message.setField(field, value);
                }
            }
        }
        return message.build();
    }

    private static Object value(FieldDescriptor field, RandomGenerator random, int depth) {
        return switch (field.getJavaType()) {
            case STRING -> string(field.getName(), random);
            case INT -> field.getName().equals("vni") ? pick(random, 1, 0, 2, -1) : pick(random, 0, 1, 10, -1);
            case LONG -> pick(random, 0L, 1L, 5L, -1L, Long.MAX_VALUE, Long.MIN_VALUE);
            case BOOLEAN -> random.nextBoolean();
            case ENUM ->
                field.getEnumType()
                        .getValues()
                        .get(random.nextInt(field.getEnumType().getValues().size()));
            case MESSAGE -> build(field.getMessageType(), random, depth + 1);
            case BYTE_STRING -> com.google.protobuf.ByteString.copyFromUtf8("x".repeat(random.nextInt(8)));
            case FLOAT -> random.nextFloat();
            case DOUBLE -> random.nextDouble();
        };
    }

    private static String string(String fieldName, RandomGenerator random) {
        if (fieldName.equals("node_name")) {
            return random.nextInt(8) == 0 ? "" : NODE_PREFIX + random.nextInt(20);
        }
        List<String> known = KNOWN_STRINGS.get(fieldName);
        if (known != null) {
            return known.get(random.nextInt(known.size()));
        }
        return List.of("", "x", "weft", "10.244.7.0/24").get(random.nextInt(4));
    }

    @SafeVarargs
    private static <T> T pick(RandomGenerator random, T... values) {
        return values[random.nextInt(values.length)];
    }
}
