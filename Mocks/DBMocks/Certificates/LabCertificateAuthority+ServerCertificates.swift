import Foundation
import SwiftASN1
import X509

extension LabCertificateAuthority {
    /// The name `wrongHost` certificates are made out to. `.invalid` is reserved (RFC 2606 §2),
    /// so it can never be the name of anything a client dials.
    public static let wrongHostname = "wrong-host.invalid"
    /// Subject CN of the CA behind `unknownCA` certificates.
    public static let rogueCommonName = "dbtunnel rogue CA"

    /// A server certificate for `hostnames` in `profile`, signed by this CA unless the profile
    /// says otherwise.
    ///
    /// - `valid`: subjectAltName dNSNames = `hostnames` (plus iPAddress 127.0.0.1 when
    ///   `includeLoopbackIP`), CN = the first hostname, valid from an hour before `now` for a year.
    /// - `legacyCommonName`: CN = the first hostname and no subjectAltName extension at all, the
    ///   certificate Go (and the tunnel) reject with "x509: certificate relies on legacy Common
    ///   Name field" while OpenSSL and BoringSSL still match the CN. `includeLoopbackIP` is ignored:
    ///   an IP address would need the very extension this profile leaves out.
    /// - `expired`: as `valid`, but valid from 30 days before `now` to one day before it.
    /// - `wrongHost`: as `valid`, but SAN and CN name only `wrongHostname`; no loopback IP either,
    ///   so the certificate matches no address a client could have dialled.
    /// - `unknownCA`: as `valid`, but signed by a CA generated for this one certificate
    ///   (`rogueCommonName`) that no client trusts; `chainPEM` ends with that rogue CA.
    ///
    /// Every leaf has basicConstraints CA:false (critical), keyUsage digitalSignature and
    /// keyEncipherment (critical), extendedKeyUsage serverAuth, an authorityKeyIdentifier and a
    /// random 20-byte serial number.
    public func issueServerCertificate(
        hostnames: [String],
        profile: CertificateProfile,
        includeLoopbackIP: Bool = false,
        now: Date = Date()
    ) throws -> IssuedCertificate {
        guard let firstHostname = hostnames.first else {
            throw LabCertificateError(
                code: .noHostnames,
                message: "a server certificate needs at least one hostname; pass the endpoint's DNS name"
            )
        }
        let loopback: [GeneralName] = includeLoopbackIP ? [Self.loopbackIPv4] : []
        let names = hostnames.map { GeneralName.dnsName($0) } + loopback
        let validFrom = now - LabValidity.clockSkew
        let validUntil = LabValidity.years(1, after: now)

        switch profile {
        case .valid:
            return try issueServer(commonName: firstHostname, names: names, from: validFrom, until: validUntil)
        case .legacyCommonName:
            return try issueServer(commonName: firstHostname, names: nil, from: validFrom, until: validUntil)
        case .expired:
            return try issueServer(
                commonName: firstHostname,
                names: names,
                from: now - 30 * LabValidity.day,
                until: now - LabValidity.day
            )
        case .wrongHost:
            return try issueServer(
                commonName: Self.wrongHostname,
                names: [.dnsName(Self.wrongHostname)],
                from: validFrom,
                until: validUntil
            )
        case .unknownCA:
            let rogue = try LabCertificateAuthority.generate(commonName: Self.rogueCommonName, now: now)
            return try rogue.issueServer(commonName: firstHostname, names: names, from: validFrom, until: validUntil)
        }
    }

    private func issueServer(
        commonName: String,
        names: [GeneralName]?,
        from notValidBefore: Date,
        until notValidAfter: Date
    ) throws -> IssuedCertificate {
        // keyEncipherment (RSA key transport) means nothing for an ECDSA key; it is set so the key
        // usage reads like the usual RSA server certificate's. OpenSSL and BoringSSL only look
        // for digitalSignature on an ECDSA server key, so the extra bit changes no handshake.
        try issue(
            commonName: commonName,
            subjectAlternativeNames: names,
            keyUsage: KeyUsage(digitalSignature: true, keyEncipherment: true),
            extendedKeyUsage: .serverAuth,
            notValidBefore: notValidBefore,
            notValidAfter: notValidAfter
        )
    }

    /// 127.0.0.1 as a SAN iPAddress: the four octets, network order (RFC 5280 §4.2.1.6).
    private static let loopbackIPv4 = GeneralName.ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1]))
}
