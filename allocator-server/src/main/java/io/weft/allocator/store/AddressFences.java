package io.weft.allocator.store;

import java.util.List;

/**
 * What one write of a node's lease does with the node's address claims, each fenced by the mod
 * revision the writer saw: the claims it puts (the addresses the lease carries, now the node's
 * or still the node's) and the ones it deletes (addresses the node no longer carries).
 */
public record AddressFences(List<AddressFence> put, List<AddressFence> delete) {

    public static final AddressFences NONE = new AddressFences(List.of(), List.of());

    public AddressFences {
        put = List.copyOf(put);
        delete = List.copyOf(delete);
    }
}
