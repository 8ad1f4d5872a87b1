package io.weft.node.nftables;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps weft's nftables rules ({@link WeftTable}, plus the tagged accepts of {@link ForwardChains})
 * as the node's lease wants them. Each {@link #reconcile()} lists what the kernel has and writes
 * only when that differs, then in one {@code nft -f} transaction: the whole table replaced and
 * the tagged rules in other tables' drop-policy forward chains put right. So a {@code nft flush
 * ruleset} or a firewall reload is undone at the next reconcile. Nothing else in nftables is ever
 * changed. Not thread safe: the agent's kernel thread calls it.
 */
public final class TrafficRulesKeeper {

    private static final Logger LOG = LoggerFactory.getLogger(TrafficRulesKeeper.class);

    private final TrafficRules rules;
    private final Nftables nft;
    private List<PodNetwork> networks;
    /** The table as the kernel listed it after weft last wrote it (nft may print it its own way). */
    private String writtenListing;

    private String writtenRuleset;
    private String lastFailure;

    public TrafficRulesKeeper(TrafficRules rules, Nftables nft) {
        this.rules = rules;
        this.nft = nft;
    }

    /**
     * Fails with one line when nft or the kernel cannot hold the rules: the table for {@code
     * networks} (a sample: the subnets need not be this node's yet) is checked, not written.
     */
    public void check(List<PodNetwork> networks) {
        nft.check(WeftTable.replace(WeftTable.ruleset(rules, networks)));
    }

    /** The node's networks and subnets (its lease) are now these: put the rules right. */
    public void networks(List<PodNetwork> current) {
        networks = List.copyOf(current);
        reconcile();
    }

    /** Puts the kernel's rules right when they differ from the wanted ones; logs and retries later on failure. */
    public void reconcile() {
        if (networks == null || !rules.any()) {
            return;
        }
        try {
            String wanted = WeftTable.ruleset(rules, networks);
            Optional<String> table = nft.list(false, "table " + WeftTable.NAME);
            boolean tableRight = table.isPresent()
                    && (table.get().equals(wanted)
                            || (wanted.equals(writtenRuleset) && table.get().equals(writtenListing)));
            StringBuilder chainFixes = new StringBuilder();
            List<String> fixed = new ArrayList<>();
            for (ForwardChains.Chain chain : forwardChains()) {
                List<ForwardChains.TaggedRule> present = ForwardChains.tagged(
                        nft.list(true, "chain " + chain.ref()).orElse(""));
                List<String> want = ForwardChains.wanted(chain, rules.forward() ? networks : List.of());
                if (!present.stream()
                        .map(ForwardChains.TaggedRule::text)
                        .toList()
                        .equals(want)) {
                    chainFixes.append(ForwardChains.fix(chain, present, want));
                    fixed.add(chain.ref());
                }
            }
            if (tableRight && fixed.isEmpty()) {
                return;
            }
            nft.apply((tableRight ? "" : WeftTable.replace(wanted)) + chainFixes);
            boolean restored = wanted.equals(writtenRuleset);
            if (!tableRight) {
                writtenRuleset = wanted;
                writtenListing = nft.list(false, "table " + WeftTable.NAME).orElse("");
            }
            LOG.info(
                    "nftables: {} table {} ({}){}",
                    tableRight ? "kept" : restored ? "restored" : "wrote",
                    WeftTable.NAME,
                    rules.describe(),
                    fixed.isEmpty() ? "" : "; weft's accepts put right in the forward chains " + fixed);
            lastFailure = null;
        } catch (NftablesException e) {
            if (!e.getMessage().equals(lastFailure)) {
                LOG.error(
                        "nftables: could not put weft's rules in place (retrying every reconcile): {}", e.getMessage());
            }
            lastFailure = e.getMessage();
        }
    }

    /** Deletes the table and weft's tagged rules elsewhere (--release-on-exit). */
    public void remove() {
        try {
            StringBuilder program = new StringBuilder(WeftTable.remove());
            for (ForwardChains.Chain chain : forwardChains()) {
                List<ForwardChains.TaggedRule> present = ForwardChains.tagged(
                        nft.list(true, "chain " + chain.ref()).orElse(""));
                program.append(ForwardChains.fix(chain, present, List.of()));
            }
            nft.apply(program.toString());
            LOG.info("nftables: removed table {} and weft's forward accepts", WeftTable.NAME);
        } catch (NftablesException e) {
            LOG.warn("nftables: could not remove weft's rules: {}", e.getMessage());
        }
    }

    private List<ForwardChains.Chain> forwardChains() {
        return ForwardChains.of(nft.list(false, "chains").orElse(""));
    }
}
