/// The server certificates a mock database endpoint can present: the good one and each broken
/// one users meet in real life.
public enum CertificateProfile: String, Sendable, CaseIterable, Codable {
    /// Signed by the lab CA, subjectAltName = the endpoint's hostname, valid now.
    case valid
    /// Signed by the lab CA, hostname only in the subject CN, no subjectAltName.
    case legacyCommonName = "legacy-cn"
    /// Signed by the lab CA, SAN correct, validity ended in the past.
    case expired
    /// Signed by the lab CA, valid, but for another hostname.
    case wrongHost = "wrong-host"
    /// Correct in every field, but signed by a CA the client does not trust.
    case unknownCA = "unknown-ca"
}
