package io.weft.config;

import io.weft.config.json.Json;
import io.weft.config.json.JsonException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns network-config JSON into a {@link NetworkConfig}, collecting every problem before failing.
 * Field names match case-insensitively and unknown fields are ignored, as in flannel.
 */
final class NetworkConfigParser {

    private static final String EXAMPLE = "{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"}}";

    private NetworkConfigParser() {}

    static NetworkConfig parse(String json) throws ConfigException {
        if (json == null || json.isBlank()) {
            throw fail("the network config is empty; expected a JSON object such as " + EXAMPLE);
        }
        Object root;
        try {
            root = Json.parse(json);
        } catch (JsonException e) {
            throw fail("the network config is not valid JSON: " + e.getMessage());
        }
        if (!(root instanceof Map<?, ?> map)) {
            throw fail("the network config must be a JSON object such as " + EXAMPLE + ", not "
                    + JsonFields.describe(root));
        }
        @SuppressWarnings("unchecked") // Json.parse builds objects as Map<String, Object>
        Map<String, Object> object = (Map<String, Object>) map;
        List<ConfigProblem> problems = new ArrayList<>();
        JsonFields fields = new JsonFields(object, "", problems);

        boolean enableIPv4 = fields.bool(FamilyRules.IPV4.enableField).orElse(true);
        boolean enableIPv6 = fields.bool(FamilyRules.IPV6.enableField).orElse(false);
        if (!enableIPv4 && !enableIPv6) {
            fields.problem(FamilyRules.IPV4.enableField, "at least one of EnableIPv4 and EnableIPv6 must be true");
        }
        SubnetSpace ipv4 = familySpace(FamilyRules.IPV4, enableIPv4, fields);
        SubnetSpace ipv6 = familySpace(FamilyRules.IPV6, enableIPv6, fields);
        BackendConfig backend = BackendParser.parse(fields, enableIPv6);

        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new NetworkConfig(
                enableIPv4, enableIPv6, Optional.ofNullable(ipv4), Optional.ofNullable(ipv6), backend, json);
    }

    private static SubnetSpace familySpace(FamilyRules rules, boolean enabled, JsonFields fields) {
        SubnetSpaceParser parser = new SubnetSpaceParser(rules, fields);
        if (enabled) {
            return parser.parseEnabled();
        }
        parser.checkDisabled();
        return null;
    }

    private static ConfigException fail(String message) {
        return new ConfigException(List.of(new ConfigProblem("", message)));
    }
}
