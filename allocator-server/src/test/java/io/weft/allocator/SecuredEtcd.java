package io.weft.allocator;

import io.weft.etcd.EtcdOptions;
import io.weft.etcd.EtcdPorts;
import io.weft.etcd.EtcdProcess;
import io.weft.etcd.testing.Etcdctl;
import io.weft.etcd.testing.TestCertificates;
import java.nio.file.Path;
import java.util.List;

/**
 * A real etcd as a careful operator runs it: clients on https with --client-cert-auth, and
 * etcd's auth enabled with a root user and password. A second, plaintext listener on loopback
 * serves only the start-up health probe and etcdctl set-up; the code under test uses https.
 */
final class SecuredEtcd implements AutoCloseable {

    static final String ROOT_PASSWORD = "weft-etcd-Pa55word-7c1e";

    private final EtcdProcess etcd;
    private final int httpsPort;
    private final TestCertificates ca;

    SecuredEtcd(Path directory) throws Exception {
        ca = TestCertificates.authority(directory.resolve("etcd-pki"), "etcd-test");
        TestCertificates.Issued serving = ca.server("etcd");
        EtcdPorts ports = EtcdPorts.pickFree();
        httpsPort = EtcdPorts.pickFree().client();
        String plain = EtcdOptions.loopbackUrl(ports.client());
        String secure = "https://" + EtcdPorts.HOST + ":" + httpsPort;
        etcd = new EtcdProcess(EtcdOptions.builder(directory.resolve("etcd"))
                        .ports(ports)
                        .extraArgs(
                                "--listen-client-urls=" + plain + "," + secure,
                                "--advertise-client-urls=" + secure,
                                "--cert-file=" + serving.certificate(),
                                "--key-file=" + serving.key(),
                                "--trusted-ca-file=" + ca.caFile(),
                                "--client-cert-auth")
                        .build())
                .start();
        Etcdctl setup = new Etcdctl(List.of(plain));
        setup.run("user", "add", "root", "--new-user-password=" + ROOT_PASSWORD);
        setup.run("auth", "enable");
    }

    List<String> httpsEndpoints() {
        return List.of("https://" + EtcdPorts.HOST + ":" + httpsPort);
    }

    Path caFile() {
        return ca.caFile();
    }

    /** A client certificate signed by etcd's CA; etcd takes its CN as the user when no password is sent. */
    TestCertificates.Issued clientCertificate(String commonName) {
        return ca.client(commonName);
    }

    /** etcdctl as root, over the plaintext set-up listener. */
    Etcdctl etcdctl() {
        return new Etcdctl(List.of(EtcdOptions.loopbackUrl(etcd.clientPort())));
    }

    @Override
    public void close() {
        etcd.stop();
    }
}
