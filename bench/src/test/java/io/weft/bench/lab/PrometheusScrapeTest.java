package io.weft.bench.lab;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrometheusScrapeTest {

    private static PrometheusScrape commits(long upTo1ms, long upTo8ms, long upTo64ms, long all) {
        return PrometheusScrape.parse(String.join(
                "\n",
                "# TYPE etcd_disk_backend_commit_duration_seconds histogram",
                "etcd_disk_backend_commit_duration_seconds_bucket{le=\"0.001\"} " + upTo1ms,
                "etcd_disk_backend_commit_duration_seconds_bucket{le=\"0.008\"} " + upTo8ms,
                "etcd_disk_backend_commit_duration_seconds_bucket{le=\"0.064\"} " + upTo64ms,
                "etcd_disk_backend_commit_duration_seconds_bucket{le=\"+Inf\"} " + all,
                "etcd_disk_backend_commit_duration_seconds_count " + all));
    }

    @Test
    void quantileIsTheBucketBoundWhereTheCountReachesIt() {
        PrometheusScrape metrics = commits(50, 99, 100, 100);

        assertThat(metrics.quantile("etcd_disk_backend_commit_duration_seconds", 0.5))
                .isEqualTo(0.001);
        assertThat(metrics.quantile("etcd_disk_backend_commit_duration_seconds", 0.99))
                .isEqualTo(0.008);
        assertThat(metrics.quantile("etcd_disk_backend_commit_duration_seconds", 1.0))
                .isEqualTo(0.064);
    }

    @Test
    void quantileOfADifferenceCountsOnlyWhatHappenedBetweenTheScrapes() {
        PrometheusScrape before = commits(1_000, 1_000, 1_000, 1_000);
        PrometheusScrape after = commits(1_000, 1_000, 1_100, 1_100);

        assertThat(after.minus(before).quantile("etcd_disk_backend_commit_duration_seconds", 0.5))
                .isEqualTo(0.064);
        assertThat(after.quantile("etcd_disk_backend_commit_duration_seconds", 0.5))
                .isEqualTo(0.001);
    }

    @Test
    void quantileOfNothingCountedIsZero() {
        PrometheusScrape same = commits(5, 5, 5, 5);

        assertThat(same.minus(same).quantile("etcd_disk_backend_commit_duration_seconds", 0.99))
                .isZero();
        assertThat(same.quantile("etcd_disk_wal_fsync_duration_seconds", 0.99)).isZero();
    }
}
