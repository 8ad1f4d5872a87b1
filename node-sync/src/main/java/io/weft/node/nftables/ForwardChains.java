package io.weft.node.nftables;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The forward-hook base chains of other tables, and weft's accept rules in the ones that drop by
 * policy; pure (it reads nft's listings and writes nft's commands).
 *
 * <p>In nftables every base chain on a hook sees the packet, and an accept ends only its own
 * chain: weft's forward chain cannot outvote a firewall's {@code policy drop} in another table
 * (as iptables-nft's {@code FORWARD} chain, or a {@code table inet filter}). flanneld puts its
 * accepts into iptables' FORWARD chain; weft does the same for every {@code ip}, {@code ip6} or
 * {@code inet} forward chain whose policy is drop: two accepts per family at the top, tagged
 * {@value #TAG}, so weft finds, replaces and removes exactly its own rules and no other.
 */
public final class ForwardChains {

    /** The comment on every rule weft puts into another table's chain. */
    public static final String TAG = "weft-forward";

    private static final Set<String> FAMILIES = Set.of("ip", "ip6", "inet");
    private static final Pattern TABLE = Pattern.compile("^table (\\S+) (\\S+) \\{");
    private static final Pattern CHAIN = Pattern.compile("^\\s*chain (\\S+) \\{");
    private static final Pattern HANDLE = Pattern.compile("\\s*# handle (\\d+)\\s*$");

    /**
     * A forward-hook base chain of another table.
     *
     * @param family nft's family: ip, ip6 or inet
     * @param drops  whether its policy is drop
     */
    public record Chain(String family, String table, String name, boolean drops) {

        /** How nft names it: {@code inet filter forward}. */
        public String ref() {
            return family + " " + table + " " + name;
        }
    }

    /** The rules weft wants in {@code chain} (none unless it drops by policy), as nft lists them. */
    public record TaggedRule(String text, int handle) {}

    private ForwardChains() {}

    /** The forward-hook base chains of ip, ip6 and inet tables other than weft's, from {@code nft list chains}. */
    public static List<Chain> of(String listChains) {
        List<Chain> chains = new ArrayList<>();
        String family = null;
        String table = null;
        String chain = null;
        for (String line : listChains.lines().toList()) {
            Matcher t = TABLE.matcher(line);
            Matcher c = CHAIN.matcher(line);
            if (t.find()) {
                family = t.group(1);
                table = t.group(2);
                chain = null;
            } else if (c.find()) {
                chain = c.group(1);
            } else if (chain != null && line.contains(" hook forward ")) {
                if (FAMILIES.contains(family) && !(family + " " + table).equals(WeftTable.NAME)) {
                    chains.add(new Chain(family, table, chain, line.contains("policy drop;")));
                }
            }
        }
        return List.copyOf(chains);
    }

    /** The rules weft wants in a chain, in order: none unless it drops by policy. */
    public static List<String> wanted(Chain chain, List<PodNetwork> networks) {
        if (!chain.drops()) {
            return List.of();
        }
        List<String> rules = new ArrayList<>();
        for (PodNetwork net : networks) {
            if (chain.family().equals("inet") || chain.family().equals(net.match())) {
                rules.add(net.match() + " saddr " + net.network() + " accept comment \"" + TAG + "\"");
                rules.add(net.match() + " daddr " + net.network() + " accept comment \"" + TAG + "\"");
            }
        }
        return List.copyOf(rules);
    }

    /** weft's rules in a chain, from {@code nft -a list chain ...}. */
    public static List<TaggedRule> tagged(String listChainWithHandles) {
        List<TaggedRule> rules = new ArrayList<>();
        for (String line : listChainWithHandles.lines().toList()) {
            Matcher handle = HANDLE.matcher(line);
            if (line.contains("comment \"" + TAG + "\"") && handle.find()) {
                rules.add(new TaggedRule(line.substring(0, handle.start()).strip(), Integer.parseInt(handle.group(1))));
            }
        }
        return List.copyOf(rules);
    }

    /** The nft commands that turn a chain's weft rules from {@code present} into {@code wanted}. */
    public static String fix(Chain chain, List<TaggedRule> present, List<String> wanted) {
        StringBuilder program = new StringBuilder();
        for (TaggedRule rule : present) {
            program.append("delete rule ")
                    .append(chain.ref())
                    .append(" handle ")
                    .append(rule.handle())
                    .append('\n');
        }
        // insert puts a rule first: the last wanted goes in first, so they end up in order at the top.
        for (String rule : wanted.reversed()) {
            program.append("insert rule ")
                    .append(chain.ref())
                    .append(' ')
                    .append(rule)
                    .append('\n');
        }
        return program.toString();
    }
}
