import Crypto
import Foundation
import SwiftASN1
import X509

/// The lab's certificate authority: the root that mock database endpoints chain to and that
/// clients (the tunnel's `--ca-file`, psql's `sslrootcert`) are told to trust.
///
/// Everything is P-256 / ECDSA-SHA256: quick to generate, accepted by OpenSSL, BoringSSL and
/// Go alike. The CA lives only in memory unless `write(to:name:)` puts its certificate on disk;
/// its private key is never written.
public struct LabCertificateAuthority: Sendable {
    public let certificate: Certificate
    public let privateKey: Certificate.PrivateKey
    /// The CA certificate, PEM, ending with a newline: the file clients trust.
    public let certificatePEM: String

    init(certificate: Certificate, privateKey: Certificate.PrivateKey) throws {
        self.certificate = certificate
        self.privateKey = privateKey
        self.certificatePEM = try PEMFile.text(certificate)
    }

    /// A fresh self-signed CA: basicConstraints CA:true (critical), keyUsage keyCertSign and
    /// cRLSign (critical), a subjectKeyIdentifier, valid from an hour before `now` (clock skew
    /// between the lab and its clients) to ten years after.
    public static func generate(commonName: String = "dbtunnel lab CA", now: Date = Date()) throws -> LabCertificateAuthority {
        let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let name = try DistinguishedName { CommonName(commonName) }
        let extensions = try Certificate.Extensions {
            Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
            Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            SubjectKeyIdentifier(hash: key.publicKey)
        }
        let certificate = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: key.publicKey,
            notValidBefore: now - LabValidity.clockSkew,
            notValidAfter: LabValidity.years(10, after: now),
            issuer: name,
            subject: name,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: extensions,
            issuerPrivateKey: key
        )
        return try LabCertificateAuthority(certificate: certificate, privateKey: key)
    }

    /// A client certificate for mutual TLS: CN = `commonName`, extendedKeyUsage clientAuth,
    /// valid like a server certificate of the `valid` profile.
    public func issueClientCertificate(commonName: String, now: Date = Date()) throws -> IssuedCertificate {
        try issue(
            commonName: commonName,
            subjectAlternativeNames: nil,
            keyUsage: KeyUsage(digitalSignature: true),
            extendedKeyUsage: .clientAuth,
            notValidBefore: now - LabValidity.clockSkew,
            notValidAfter: LabValidity.years(1, after: now)
        )
    }

    /// Writes the CA certificate to `<directory>/<name>.pem` (mode 0644) and returns the path.
    @discardableResult
    public func write(to directory: String, name: String) throws -> String {
        let path = PEMFile.path(directory, "\(name).pem")
        try PEMFile.write(certificatePEM, to: path, mode: PEMFile.publicMode)
        return path
    }

    /// Signs a leaf for a fresh P-256 key. `subjectAlternativeNames == nil` leaves the extension
    /// out altogether (an empty one would be a different, invalid, certificate).
    func issue(
        commonName: String,
        subjectAlternativeNames: [GeneralName]?,
        keyUsage: KeyUsage,
        extendedKeyUsage: ExtendedKeyUsage.Usage,
        notValidBefore: Date,
        notValidAfter: Date
    ) throws -> IssuedCertificate {
        let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let authorityKeyIdentifier = try certificate.extensions.subjectKeyIdentifier?.keyIdentifier
            ?? SubjectKeyIdentifier(hash: certificate.publicKey).keyIdentifier
        let extensions = try Certificate.Extensions {
            Critical(BasicConstraints.notCertificateAuthority)
            Critical(keyUsage)
            try ExtendedKeyUsage([extendedKeyUsage])
            AuthorityKeyIdentifier(keyIdentifier: authorityKeyIdentifier)
            if let subjectAlternativeNames {
                SubjectAlternativeNames(subjectAlternativeNames)
            }
        }
        let leaf = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: key.publicKey,
            notValidBefore: notValidBefore,
            notValidAfter: notValidAfter,
            issuer: certificate.subject,
            subject: try DistinguishedName { CommonName(commonName) },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: extensions,
            issuerPrivateKey: privateKey
        )
        return try IssuedCertificate(certificate: leaf, privateKey: key, issuer: certificate)
    }
}

/// Validity periods of lab certificates.
enum LabValidity {
    /// notBefore is set this far back so a client whose clock runs a little behind the lab's
    /// still accepts a certificate made a moment ago.
    static let clockSkew: TimeInterval = 60 * 60
    static let day: TimeInterval = 24 * 60 * 60

    /// Calendar years, counted in UTC.
    static func years(_ count: Int, after date: Date) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.date(byAdding: .year, value: count, to: date)
            ?? date + Double(count) * 365 * day
    }
}

extension LabCertificateAuthority: CustomStringConvertible {
    /// Names the CA, never its key.
    public var description: String {
        "LabCertificateAuthority(subject: \(certificate.subject), notValidAfter: \(certificate.notValidAfter))"
    }
}
