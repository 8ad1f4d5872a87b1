package io.weft.etcd.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** On an instance field the extension gives every test its own, empty etcd. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PerTestEtcdIT {

    @RegisterExtension
    final EtcdExtension etcd = EtcdExtension.singleMember();

    @RepeatedTest(2)
    void everyTestStartsFromAnEmptyEtcd() {
        Etcdctl etcdctl = new Etcdctl(etcd.endpoints());

        assertThat(etcdctl.get("/weft/per-test/marker"))
                .as("left behind by an earlier test")
                .isEmpty();
        etcdctl.put("/weft/per-test/marker", "set");
        assertThat(etcdctl.get("/weft/per-test/marker")).contains("set");
    }
}
