package io.weft.allocator.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.weft.api.v1.AcquireLeaseRequest;
import io.weft.api.v1.CheckRequest;
import io.weft.api.v1.CreateReservationRequest;
import io.weft.api.v1.GetUsageRequest;
import io.weft.api.v1.Lease;
import io.weft.api.v1.ReleaseLeaseRequest;
import io.weft.api.v1.RenewLeaseRequest;
import io.weft.api.v1.SetConfigRequest;
import io.weft.api.v1.WatchLeasesRequest;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** How request messages map to attempts; the calls themselves are covered by MutualTlsIT. */
@Timeout(10)
class AuthorizationInterceptorTest {

    private final Map<String, String> holders = Map.of("10.1.3.0/24", "node-b", "10.1.4.0/24", "");
    private final AuthorizationInterceptor interceptor = new AuthorizationInterceptor(
            new AccessPolicy(Set.of("ops")),
            subnet -> Optional.ofNullable(holders.get(subnet)),
            new SimpleMeterRegistry());

    @Test
    void leaseCallsCarryTheNodeAndTheCurrentHolder() {
        assertThat(interceptor.attemptOf(RenewLeaseRequest.newBuilder()
                        .setSubnet("10.1.3.0/24")
                        .setNodeName("node-a")
                        .build()))
                .isEqualTo(new Attempt.OnLease("renew", "node-a", "10.1.3.0/24", Optional.of("node-b")));
        assertThat(interceptor.attemptOf(ReleaseLeaseRequest.newBuilder()
                        .setSubnet("10.1.4.0/24")
                        .build()))
                .isEqualTo(new Attempt.OnLease("release", "", "10.1.4.0/24", Optional.of("")));
        assertThat(interceptor.attemptOf(
                        AcquireLeaseRequest.newBuilder().setNodeName("node-a").build()))
                .isEqualTo(new Attempt.OnLease("acquire", "node-a", "", Optional.empty()));
    }

    @Test
    void readsAreReadsAndChangesToSharedStateAreAdministration() {
        assertThat(interceptor.attemptOf(GetUsageRequest.getDefaultInstance())).isEqualTo(new Attempt.Read());
        assertThat(interceptor.attemptOf(WatchLeasesRequest.getDefaultInstance()))
                .isEqualTo(new Attempt.Read());
        assertThat(interceptor.attemptOf(SetConfigRequest.getDefaultInstance()))
                .isEqualTo(new Attempt.Administer("set the network config"));
        assertThat(interceptor.attemptOf(CreateReservationRequest.getDefaultInstance()))
                .isEqualTo(new Attempt.Administer("create a reservation"));
    }

    @Test
    void theConsistencyCheckIsForAdminsOnly() {
        Attempt check = interceptor.attemptOf(CheckRequest.getDefaultInstance());
        AccessPolicy policy = new AccessPolicy(Set.of("ops"));

        assertThat(check).isEqualTo(new Attempt.Administer("run the consistency check"));
        assertThat(policy.refusal("node-a", check))
                .hasValue("identity node-a may not run the consistency check: only admin identities may");
        assertThat(policy.refusal("ops", check)).isEmpty();
    }

    @Test
    void aMessageThePolicyDoesNotKnowNeedsAnAdmin() {
        assertThat(interceptor.attemptOf(Lease.getDefaultInstance())).isInstanceOf(Attempt.Administer.class);
    }
}
