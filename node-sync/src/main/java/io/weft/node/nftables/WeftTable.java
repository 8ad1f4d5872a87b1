package io.weft.node.nftables;

import java.util.List;

/**
 * The text of weft's own nftables table, {@code table inet weft}, for the rules asked and the
 * node's pod networks; pure.
 *
 * <p>One {@code inet} table holds both families. Its postrouting chain (nat, priority srcnat)
 * masquerades what this host's pods send outside the cluster network, except multicast and what
 * kube-proxy marked for its own masquerade; pod to
 * pod traffic (anything addressed inside the cluster network, the host's own subnet included)
 * keeps the pod's address. Its forward chain (filter, priority filter) accepts what comes from or
 * goes to the cluster network. An accept ends only the chain it is in: a drop in another table's
 * forward chain still drops, which {@link ForwardChains} deals with.
 *
 * <p>{@link #replace} starts with {@code add table} and {@code delete table}, so {@code nft -f}
 * swaps the whole table in one transaction whether or not it existed.
 */
public final class WeftTable {

    /**
     * kube-proxy's mark on packets it masquerades itself (its default --masquerade-bit 14):
     * left to it, as flannel does, so no packet is masqueraded twice.
     */
    static final String KUBE_PROXY_MASQUERADE_MARK = "0x00004000";

    /** The table's family and name, as nft takes them. */
    public static final String NAME = "inet weft";

    private WeftTable() {}

    /** The table as {@code nft list table inet weft} prints it (tabs, one rule a line). */
    public static String ruleset(TrafficRules rules, List<PodNetwork> networks) {
        StringBuilder text = new StringBuilder("table ").append(NAME).append(" {\n");
        if (rules.masquerade()) {
            text.append("\tchain postrouting {\n")
                    .append("\t\ttype nat hook postrouting priority srcnat; policy accept;\n")
                    .append("\t\tmeta mark & ")
                    .append(KUBE_PROXY_MASQUERADE_MARK)
                    .append(" == ")
                    .append(KUBE_PROXY_MASQUERADE_MARK)
                    .append(" return\n");
            for (PodNetwork net : networks) {
                String m = net.match();
                text.append("\t\t")
                        .append(m + " saddr " + net.subnet() + " " + m + " daddr " + net.network() + " return\n");
                text.append("\t\t")
                        .append(m + " saddr " + net.subnet() + " " + m + " daddr != " + net.multicast() + " masquerade")
                        .append(rules.fullyRandom() ? " fully-random" : "")
                        .append('\n');
            }
            text.append("\t}\n");
        }
        if (rules.forward()) {
            if (rules.masquerade()) {
                text.append('\n');
            }
            text.append("\tchain forward {\n").append("\t\ttype filter hook forward priority filter; policy accept;\n");
            for (PodNetwork net : networks) {
                text.append("\t\t").append(net.match() + " saddr " + net.network() + " accept\n");
                text.append("\t\t").append(net.match() + " daddr " + net.network() + " accept\n");
            }
            text.append("\t}\n");
        }
        return text.append("}\n").toString();
    }

    /** The nft program that replaces the table with {@code ruleset} atomically. */
    public static String replace(String ruleset) {
        return remove() + ruleset;
    }

    /** The nft program that deletes the table, present or not. */
    public static String remove() {
        return "add table " + NAME + "\ndelete table " + NAME + "\n";
    }
}
