package io.weft.allocator.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class AccessPolicyTest {

    private final AccessPolicy policy = new AccessPolicy(Set.of("ops"));

    @Test
    void everyIdentityMayRead() {
        assertThat(policy.refusal("node-a", new Attempt.Read())).isEmpty();
    }

    @Test
    void onlyAdminsAdminister() {
        assertThat(policy.refusal("node-a", new Attempt.Administer("set the network config")))
                .contains("identity node-a may not set the network config: only admin identities may");
        assertThat(policy.refusal("ops", new Attempt.Administer("set the network config")))
                .isEmpty();
    }

    @Test
    void aNodeActsOnItsOwnLease() {
        assertThat(policy.refusal("node-a", new Attempt.OnLease("acquire", "node-a", "", Optional.empty())))
                .isEmpty();
        assertThat(policy.refusal(
                        "node-a", new Attempt.OnLease("renew", "node-a", "10.1.2.0/24", Optional.of("node-a"))))
                .isEmpty();
        assertThat(policy.refusal("node-a", new Attempt.OnLease("release", "node-a", "10.1.2.0/24", Optional.empty())))
                .isEmpty();
    }

    @Test
    void aNodeMayNotNameAnotherNode() {
        assertThat(policy.refusal("node-a", new Attempt.OnLease("acquire", "node-b", "", Optional.empty())))
                .hasValueSatisfying(message ->
                        assertThat(message).startsWith("identity node-a may not acquire the lease of node node-b"));
    }

    @Test
    void aRequestsNodeNameAndSubnetReachTheRefusalOnlyWhenValid() {
        assertThat(policy.refusal(
                        "node-a",
                        new Attempt.OnLease("renew", "x\nFORGED LOG LINE", "1.2.3.0/24\nmore", Optional.empty())))
                .hasValueSatisfying(message -> assertThat(message)
                        .isEqualTo("identity node-a may not renew the lease of a node_name that is no node name"
                                + " on a subnet that does not parse: a node may only act on its own lease"));
    }

    @Test
    void aNodeMayNotTouchALeaseAnotherNodeHolds() {
        assertThat(policy.refusal(
                        "node-a", new Attempt.OnLease("renew", "node-a", "10.1.3.0/24", Optional.of("node-b"))))
                .hasValueSatisfying(message -> assertThat(message)
                        .startsWith("identity node-a may not renew the lease of node node-b on 10.1.3.0/24"));
        assertThat(policy.refusal("node-a", new Attempt.OnLease("release", "node-a", "10.1.4.0/24", Optional.of(""))))
                .hasValueSatisfying(message -> assertThat(message)
                        .startsWith("identity node-a may not release the lease of a flanneld node on 10.1.4.0/24"));
    }

    @Test
    void releasingWithoutANodeNameIsForAdmins() {
        Attempt anyHolder = new Attempt.OnLease("release", "", "10.1.3.0/24", Optional.of("node-a"));
        assertThat(policy.refusal("node-a", anyHolder))
                .hasValueSatisfying(message -> assertThat(message)
                        .contains("identity node-a may not release the lease on 10.1.3.0/24 without naming its node"));
        assertThat(policy.refusal("ops", anyHolder)).isEmpty();
    }

    @Test
    void adminsActOnAnyLease() {
        assertThat(policy.refusal(
                        "ops", new Attempt.OnLease("release", "node-b", "10.1.3.0/24", Optional.of("node-b"))))
                .isEmpty();
        assertThat(policy.refusal("ops", new Attempt.OnLease("acquire", "node-c", "", Optional.empty())))
                .isEmpty();
    }

    @Test
    void blankAdminNamesAreRefused() {
        assertThatThrownBy(() -> new AccessPolicy(Set.of(" "))).isInstanceOf(IllegalArgumentException.class);
    }
}
