package io.weft.allocator.service;

import io.grpc.stub.StreamObserver;
import io.weft.allocator.check.ConsistencyCheck;
import io.weft.allocator.check.EtcdLeaseFacts;
import io.weft.allocator.check.Problem;
import io.weft.allocator.store.EtcdLeaseTable;
import io.weft.allocator.store.LeaseStore;
import io.weft.allocator.store.Snapshot;
import io.weft.allocator.store.StoredLease;
import io.weft.api.v1.CheckRequest;
import io.weft.api.v1.CheckResponse;
import io.weft.api.v1.CheckServiceGrpc;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gRPC face of the consistency check: reads etcd afresh (the keys in pages at one revision,
 * then its lease table), never the server's own view, so it sees what every replica and flanneld
 * see. Writes nothing.
 */
public final class CheckGrpcService extends CheckServiceGrpc.CheckServiceImplBase {

    private static final Logger LOG = LoggerFactory.getLogger(CheckGrpcService.class);

    /** Problems listed in one answer; the rest are counted (a garbage-filled prefix stays one message). */
    static final int MAX_LISTED = 1_000;

    private final LeaseStore store;
    private final EtcdLeaseSurvey survey;
    private final ConsistencyCheck check;

    /** @param ttl the lease TTL this server writes keys with (to tell its own emptied buckets apart) */
    public CheckGrpcService(LeaseStore store, EtcdLeaseTable table, Duration ttl, ConsistencyCheck check) {
        this.store = store;
        this.survey = new EtcdLeaseSurvey(store, table, ttl);
        this.check = check;
    }

    @Override
    public void check(CheckRequest request, StreamObserver<CheckResponse> response) {
        LeaseGrpcService.respond(
                response,
                () -> store.snapshot()
                        .thenCompose(snapshot -> survey.survey(snapshot).thenApply(facts -> {
                            List<Problem> problems = check.problems(snapshot, facts);
                            LOG.info(
                                    "consistency check at revision {}: {} problem(s)",
                                    snapshot.revision(),
                                    problems.size());
                            return answer(snapshot, problems, facts);
                        })));
    }

    private static CheckResponse answer(Snapshot snapshot, List<Problem> problems, EtcdLeaseFacts facts) {
        CheckResponse.Builder answer = CheckResponse.newBuilder()
                .setRevision(snapshot.revision())
                .setLeases((int)
                        snapshot.leases().stream().filter(l -> !l.reserved()).count())
                .setReservations((int)
                        snapshot.leases().stream().filter(StoredLease::reserved).count())
                .setClaims(snapshot.claims().size() + snapshot.addresses().size())
                .setEtcdLeases(facts.listed().size())
                .setEtcdLeasesUnchecked(facts.unchecked())
                .setEmptyWeftBuckets((int) facts.keyless().stream()
                        .filter(k -> k.grantedSeconds() == facts.bucketLifetimeSeconds())
                        .count())
                .setProblemsOmitted(Math.max(0, problems.size() - MAX_LISTED));
        problems.stream()
                .limit(MAX_LISTED)
                .forEach(p -> answer.addProblems(io.weft.api.v1.Problem.newBuilder()
                        .setKind(p.kind().name())
                        .setSubject(p.subject())
                        .addAllNodes(p.nodes())
                        .setDetail(p.detail())
                        .setAction(p.action())));
        return answer.build();
    }
}
