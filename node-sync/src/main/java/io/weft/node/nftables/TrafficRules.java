package io.weft.node.nftables;

/**
 * Which of flanneld's traffic rules this node keeps in its nftables table.
 *
 * @param masquerade  --ip-masq: pods' traffic leaving the cluster network takes the host's address
 * @param fullyRandom masquerade with fully random source ports (flannel's default; off with
 *                    --ip-masq-fully-random-disable)
 * @param forward     --forward-rules: accept forwarding to and from the cluster network
 */
public record TrafficRules(boolean masquerade, boolean fullyRandom, boolean forward) {

    /** No rules at all: weft leaves nftables alone. */
    public static TrafficRules none() {
        return new TrafficRules(false, true, false);
    }

    /** Whether any rule is wanted (else weft keeps no table). */
    public boolean any() {
        return masquerade || forward;
    }

    /** For the start-up line: "masquerade (fully random), forward rules". */
    public String describe() {
        if (!any()) {
            return "none";
        }
        String masq = masquerade ? "masquerade" + (fullyRandom ? " (fully random)" : "") : "";
        String fwd = forward ? "forward rules" : "";
        return masq.isEmpty() ? fwd : fwd.isEmpty() ? masq : masq + ", " + fwd;
    }
}
