import X509

/// Checks the TLS stacks do not make.
///
/// swift-nio-ssl (BoringSSL) and swift-certificates accept a server certificate whose name is
/// only in the subject Common Name. Go, and every modern client, refuse it; so does the tunnel,
/// with Go's words, which are what users search for.
public enum PeerCertificateCheck {
    public static let legacyCommonNameMessage =
        "x509: certificate relies on legacy Common Name field, use SANs instead"

    /// True when the leaf certificate carries a subjectAltName extension with at least one name.
    public static func hasSubjectAlternativeNames(_ certificate: Certificate) -> Bool {
        guard let names = try? certificate.extensions.subjectAlternativeNames else { return false }
        return !names.isEmpty
    }
}
