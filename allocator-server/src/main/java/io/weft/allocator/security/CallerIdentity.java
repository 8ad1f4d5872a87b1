package io.weft.allocator.security;

import io.grpc.Context;
import io.weft.config.IpAddress;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Who is calling: the name in the client certificate the TLS handshake verified.
 *
 * <p>The rule: the subject's common name (CN); when the subject has no CN, the first DNS name
 * among its subject alternative names. A node's certificate therefore carries the node name as
 * its CN, exactly as the node sends it in {@code node_name}.
 */
public final class CallerIdentity {

    /** The verified identity of the current call, set by {@link AuthorizationInterceptor}. */
    public static final Context.Key<String> KEY = Context.key("weft-caller-identity");

    private static final int DNS_NAME = 2;
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

    /** The subject CN, else the first DNS SAN, else empty. */
    public static Optional<String> of(X509Certificate certificate) {
        Optional<String> commonName = commonName(certificate.getSubjectX500Principal().getName());
        return commonName.isPresent() ? commonName : firstDnsName(certificate);
    }

    static Optional<String> commonName(String distinguishedName) {
        try {
            List<Rdn> rdns = new LdapName(distinguishedName).getRdns();
            // LdapName lists the most significant RDN first; the CN that names the subject is the last one.
            for (int i = rdns.size() - 1; i >= 0; i--) {
                Rdn rdn = rdns.get(i);
                if (rdn.getType().equalsIgnoreCase("CN") && !rdn.getValue().toString().isBlank()) {
                    return Optional.of(rdn.getValue().toString());
                }
            }
            return Optional.empty();
        } catch (InvalidNameException e) {
            return Optional.empty();
        }
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
                        addresses.add(IpAddress.parse(String.valueOf(name.get(1))).toString());
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

    private static Optional<String> firstDnsName(X509Certificate certificate) {
        try {
            Collection<List<?>> names = certificate.getSubjectAlternativeNames();
            if (names == null) {
                return Optional.empty();
            }
            return names.stream().filter(name -> name.size() == 2 && Integer.valueOf(DNS_NAME).equals(name.get(0)))
                    .map(name -> String.valueOf(name.get(1))).filter(name -> !name.isBlank()).findFirst();
        } catch (CertificateParsingException e) {
            return Optional.empty();
        }
    }
}
