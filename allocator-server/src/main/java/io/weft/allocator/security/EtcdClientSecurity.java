package io.weft.allocator.security;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.ClientBuilder;
import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * How this server authenticates to etcd: TLS (a CA to verify etcd with, and a client
 * certificate and key for etcd's --client-cert-auth) and/or etcd's own username and password.
 * The password is only ever handed to the etcd client: {@link #toString()} hides it.
 *
 * @param ca          CA certificates etcd's serving certificate is verified against; null for the JVM's
 * @param certificate client certificate, PEM, or null
 * @param key         client key, PKCS#8 PEM, or null (given together with certificate)
 * @param user        etcd user name, or null
 * @param password    etcd password, or null (given together with user)
 */
public record EtcdClientSecurity(Path ca, Path certificate, Path key, String user, String password) {

    public static final EtcdClientSecurity NONE = new EtcdClientSecurity(null, null, null, null, null);

    public EtcdClientSecurity {
        if ((certificate == null) != (key == null)) {
            throw new IllegalArgumentException("the etcd client certificate and key go together: give both or neither");
        }
        if ((user == null) != (password == null)) {
            throw new IllegalArgumentException("the etcd user and password go together: give both or neither");
        }
        if (user != null && user.isBlank()) {
            throw new IllegalArgumentException("the etcd user must not be blank");
        }
    }

    /** Whether the connection uses TLS: a CA or client certificate was given, or an endpoint is https. */
    public boolean usesTls(List<String> endpoints) {
        return ca != null || certificate != null || endpoints.stream().anyMatch(e -> e.startsWith("https://"));
    }

    /**
     * The TLS context for connections to etcd; empty for plaintext. Shared by the jetcd client
     * and the one raw call jetcd does not offer (listing etcd's leases).
     *
     * @throws IllegalArgumentException naming the file when one is missing, unreadable or not PEM
     */
    public Optional<SslContext> sslContext(List<String> endpoints) {
        if (!usesTls(endpoints)) {
            return Optional.empty();
        }
        SslContextBuilder ssl = GrpcSslContexts.forClient();
        if (ca != null) {
            PemFiles.readable("etcd CA", ca);
            try {
                ssl.trustManager(ca.toFile());
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(
                        "etcd CA " + ca + " could not be loaded (PEM expected): " + PemFiles.reason(e), e);
            }
        }
        if (certificate != null) {
            PemFiles.readable("etcd client certificate", certificate);
            PemFiles.readable("etcd client key", key);
            try {
                ssl.keyManager(certificate.toFile(), key.toFile());
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(
                        "etcd client certificate " + certificate + " and key " + key
                                + " could not be loaded (PEM certificate and unencrypted PKCS#8 key expected): "
                                + PemFiles.reason(e),
                        e);
            }
        }
        try {
            return Optional.of(ssl.build());
        } catch (Exception e) {
            throw new IllegalArgumentException("etcd TLS settings could not be used: " + PemFiles.reason(e), e);
        }
    }

    /**
     * Sets TLS and credentials on a jetcd client builder.
     *
     * @throws IllegalArgumentException naming the file when one is missing, unreadable or not PEM
     */
    public ClientBuilder applyTo(ClientBuilder builder, List<String> endpoints) {
        sslContext(endpoints).ifPresent(builder::sslContext);
        if (user != null) {
            builder.user(ByteSequence.from(user, StandardCharsets.UTF_8))
                    .password(ByteSequence.from(password, StandardCharsets.UTF_8));
        }
        return builder;
    }

    /**
     * The start-up warning when a password would cross the network unencrypted: a user without
     * TLS to etcd (plain {@code http://} endpoints and no CA or client certificate).
     */
    public Optional<String> clearTextPasswordWarning(List<String> endpoints) {
        if (user == null || usesTls(endpoints)) {
            return Optional.empty();
        }
        return Optional.of("--etcd-user " + user + " over plaintext etcd endpoints (" + String.join(",", endpoints)
                + "): the password travels in clear text; use https:// endpoints (or --etcd-cacert) to encrypt it");
    }

    /** What the start-up line says about the etcd connection; never the password. */
    public String describe(List<String> endpoints) {
        String tls = !usesTls(endpoints) ? "plaintext" : certificate != null ? "TLS with a client certificate" : "TLS";
        return tls + (user != null ? ", as etcd user " + user : "");
    }

    @Override
    public String toString() {
        return "EtcdClientSecurity[ca=" + ca + ", certificate=" + certificate + ", key=" + key + ", user=" + user
                + ", password=" + (password == null ? "none" : "(hidden)") + "]";
    }
}
