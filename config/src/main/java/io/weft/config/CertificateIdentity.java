package io.weft.config;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Who a client certificate names: the one rule the server checks calls by and a client checks
 * its own certificate by before it connects (a node refuses to start with another node's).
 *
 * <p>The subject's common name (CN), the last (most specific) one when there are several; when
 * the subject has no CN that is not blank, or cannot be read, the first DNS name among the
 * subject alternative names that is not blank; else none.
 */
public final class CertificateIdentity {

    private static final int DNS_NAME = 2;

    private CertificateIdentity() {}

    /** The identity the certificate names; empty when it names none. */
    public static Optional<String> of(X509Certificate certificate) {
        Optional<String> commonName =
                commonName(certificate.getSubjectX500Principal().getName());
        return commonName.isPresent() ? commonName : firstDnsName(certificate);
    }

    /** The last CN of an RFC 2253 distinguished name that is not blank; empty when there is none or it is garbled. */
    static Optional<String> commonName(String distinguishedName) {
        try {
            List<Rdn> rdns = new LdapName(distinguishedName).getRdns();
            // LdapName lists the most significant RDN first; the CN that names the subject is the last one.
            for (int i = rdns.size() - 1; i >= 0; i--) {
                Rdn rdn = rdns.get(i);
                if (rdn.getType().equalsIgnoreCase("CN")
                        && !rdn.getValue().toString().isBlank()) {
                    return Optional.of(rdn.getValue().toString());
                }
            }
            return Optional.empty();
        } catch (InvalidNameException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> firstDnsName(X509Certificate certificate) {
        try {
            Collection<List<?>> names = certificate.getSubjectAlternativeNames();
            if (names == null) {
                return Optional.empty();
            }
            return names.stream()
                    .filter(name ->
                            name.size() == 2 && Integer.valueOf(DNS_NAME).equals(name.get(0)))
                    .map(name -> String.valueOf(name.get(1)))
                    .filter(name -> !name.isBlank())
                    .findFirst();
        } catch (CertificateParsingException e) {
            return Optional.empty();
        }
    }
}
