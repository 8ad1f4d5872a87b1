package io.weft.allocator.alloc;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.allocator.store.AddressClaim;
import io.weft.allocator.store.HostAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The address claims as last seen: newest revision wins, and each node's set follows its addresses. */
@Timeout(10)
class AddressClaimsTest {

    private static final HostAddress IP = new HostAddress(HostAddress.Kind.PUBLIC_IP, "192.168.0.1");
    private static final HostAddress MAC = new HostAddress(HostAddress.Kind.VTEP_MAC, "0a:00:00:00:00:01");

    private final AddressClaims claims = new AddressClaims();

    @Test
    void anAddressMovingToAnotherNodeLeavesTheFirstNodesSet() {
        claims.put(new AddressClaim(IP, "a", 5));
        claims.put(new AddressClaim(MAC, "a", 5));
        claims.put(new AddressClaim(IP, "b", 9));

        assertThat(claims.holder(IP)).contains(new AddressClaim(IP, "b", 9));
        assertThat(claims.heldBy("a")).containsExactly(new AddressClaim(MAC, "a", 5));
        assertThat(claims.heldBy("b")).containsExactly(new AddressClaim(IP, "b", 9));
    }

    @Test
    void aLateEventNeverUndoesANewerOne() {
        claims.put(new AddressClaim(IP, "b", 9));
        claims.put(new AddressClaim(IP, "a", 5));
        assertThat(claims.holder(IP)).contains(new AddressClaim(IP, "b", 9));
        assertThat(claims.heldBy("a")).isEmpty();

        claims.delete(IP, 12);
        claims.put(new AddressClaim(IP, "b", 11));
        assertThat(claims.holder(IP)).as("deleted at 12, the put at 11 is late").isEmpty();
        assertThat(claims.heldBy("b")).isEmpty();
    }

    @Test
    void aResetReplacesEverything() {
        claims.put(new AddressClaim(IP, "a", 5));
        claims.reset(List.of(new AddressClaim(MAC, "c", 3)));

        assertThat(claims.holder(IP)).isEmpty();
        assertThat(claims.heldBy("a")).isEmpty();
        assertThat(claims.heldBy("c")).containsExactly(new AddressClaim(MAC, "c", 3));
    }
}
