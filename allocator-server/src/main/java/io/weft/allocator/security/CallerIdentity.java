package io.weft.allocator.security;

import io.grpc.Context;
import io.weft.config.CertificateIdentity;
import io.weft.config.IpAddress;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Who is calling: the name in the client certificate the TLS handshake verified.
 *
 * <p>The rule is {@link CertificateIdentity}'s, shared with the client that checks its own
 * certificate: a node's certificate carries the node name as its CN, exactly as the node sends it
 * in {@code node_name}.
 */
public final class CallerIdentity {

    /** The verified identity of the current call, set by {@link AuthorizationInterceptor}. */
    public static final Context.Key<String> KEY = Context.key("weft-caller-identity");

    private static final int IP_ADDRESS = 7;

    private CallerIdentity() {}

    /** The identity in the session's verified peer certificate; empty without one. */
    public static Optional<String> of(SSLSession session) {
        return peerCertificate(session).flatMap(CallerIdentity::of);
    }

    /** The session's verified peer (leaf) certificate; empty without one. */
    private static Optional<X509Certificate> peerCertificate(SSLSession session) {
        if (session == null) {
            return Optional.empty();
        }
        try {
            Certificate[] chain = session.getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate leaf ? Optional.of(leaf) : Optional.empty();
        } catch (SSLPeerUnverifiedException e) {
            return Optional.empty();
        }
    }

    /** The certificate's identity by weft's one rule, {@link CertificateIdentity}. */
    public static Optional<String> of(X509Certificate certificate) {
        return CertificateIdentity.of(certificate);
    }

    /** The IP addresses among the certificate's subject alternative names, in canonical text. */
    public static Set<String> ipAddresses(SSLSession session) {
        return peerCertificate(session).map(CallerIdentity::ipAddresses).orElse(Set.of());
    }

    static Set<String> ipAddresses(X509Certificate certificate) {
        try {
            Collection<List<?>> names = certificate.getSubjectAlternativeNames();
            if (names == null) {
                return Set.of();
            }
            Set<String> addresses = new TreeSet<>();
            for (List<?> name : names) {
                if (name.size() == 2 && Integer.valueOf(IP_ADDRESS).equals(name.get(0))) {
                    try {
                        addresses.add(
                                IpAddress.parse(String.valueOf(name.get(1))).toString());
                    } catch (IllegalArgumentException e) {
                        // not an address this network could use: it allows nothing
                    }
                }
            }
            return addresses;
        } catch (CertificateParsingException e) {
            return Set.of();
        }
    }
}
