import SwiftASN1
import X509

/// A certificate the lab CA issued, with its private key, ready to hand to a TLS server.
///
/// Every PEM string ends with a newline, as OpenSSL writes them, so they concatenate into
/// bundles as they are.
public struct IssuedCertificate: Sendable {
    /// The leaf certificate.
    public let certificate: Certificate
    public let privateKey: Certificate.PrivateKey
    /// The leaf alone, PEM.
    public let certificatePEM: String
    /// The leaf, then the certificate that signed it: what a server sends. For the `unknownCA`
    /// profile the issuer is the rogue CA, so a client sees the whole untrusted chain, as it
    /// would from a server configured with a private CA it was never told about.
    public let chainPEM: String
    /// PKCS#8 `-----BEGIN PRIVATE KEY-----`: the form OpenSSL, PostgreSQL, stunnel and
    /// `NIOSSLPrivateKey(bytes:format: .pem)` all read.
    public let privateKeyPEM: String
    /// The certificate that signed the leaf: the lab CA, or the rogue one for `unknownCA`.
    let issuerCertificate: Certificate

    init(certificate: Certificate, privateKey: Certificate.PrivateKey, issuer: Certificate) throws {
        self.certificate = certificate
        self.privateKey = privateKey
        self.issuerCertificate = issuer
        self.certificatePEM = try PEMFile.text(certificate)
        self.chainPEM = try certificatePEM + PEMFile.text(issuer)
        // swift-crypto's P-256 `pemRepresentation` is PKCS#8 ("PRIVATE KEY"), not SEC1
        // ("EC PRIVATE KEY"); the tests hold it to that.
        self.privateKeyPEM = try PEMFile.text(privateKey.serializeAsPEM())
    }

    /// Writes `<name>.crt` (the chain) and `<name>.key` (mode 0600, as PostgreSQL demands) into
    /// `directory`, replacing files of those names, and returns their paths.
    @discardableResult
    public func write(to directory: String, name: String) throws -> (certificate: String, key: String) {
        let certificatePath = PEMFile.path(directory, "\(name).crt")
        let keyPath = PEMFile.path(directory, "\(name).key")
        try write(certificateTo: certificatePath, keyTo: keyPath)
        return (certificatePath, keyPath)
    }

    /// Writes the chain to `certificatePath` (mode 0644) and the key to `keyPath` (mode 0600,
    /// as PostgreSQL and libpq demand of a key), replacing files of those names.
    public func write(certificateTo certificatePath: String, keyTo keyPath: String) throws {
        try PEMFile.write(chainPEM, to: certificatePath, mode: PEMFile.publicMode)
        try PEMFile.write(privateKeyPEM, to: keyPath, mode: PEMFile.privateKeyMode)
    }
}

extension IssuedCertificate: CustomStringConvertible {
    /// Names the certificate, never the key: a lab key is still a key, and this value ends up in
    /// test failure messages and logs.
    public var description: String {
        "IssuedCertificate(subject: \(certificate.subject), issuer: \(certificate.issuer), "
            + "notValidAfter: \(certificate.notValidAfter), serialNumber: \(certificate.serialNumber))"
    }
}
