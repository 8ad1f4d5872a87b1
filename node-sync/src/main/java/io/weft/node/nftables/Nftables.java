package io.weft.node.nftables;

import java.util.Optional;

/**
 * The nftables seam: what weft asks the {@code nft} program (or a test's stand-in). Not thread
 * safe: one caller at a time (the agent's kernel thread).
 */
public interface Nftables {

    /**
     * {@code nft [-a] list OBJECT}: the listing, or empty when the object does not exist.
     *
     * @param handles list with rule handles ({@code -a})
     * @param object  what to list, as nft's words: {@code "table inet weft"}, {@code "chains"}
     * @throws NftablesException when nft cannot be run or fails otherwise
     */
    Optional<String> list(boolean handles, String object);

    /** {@code nft -f -}: runs the program as one transaction, all or nothing. */
    void apply(String program);

    /** {@code nft -c -f -}: whether the kernel would take the program, changing nothing. */
    void check(String program);
}
