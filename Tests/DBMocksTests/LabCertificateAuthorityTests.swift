import Foundation
import TestSupport
import NIOSSL
import Testing
import X509

@testable import DBMocks

/// Each profile is checked twice: with swift-certificates (fields, and its `Verifier`), and with
/// the `openssl` command line tool, which shares no code with what made the certificates.
@Suite struct LabCertificateAuthorityTests {
    static let host = "mydb.abcdefghijkl.us-east-1.rds.amazonaws.com"
    let now = Date()
    let ca: LabCertificateAuthority

    init() throws {
        ca = try LabCertificateAuthority.generate(now: now)
    }

    // MARK: The CA

    @Test func caIsSelfSignedAndMarkedAsCA() throws {
        let certificate = ca.certificate
        #expect(certificate.subject == (try DistinguishedName { CommonName("dbtunnel lab CA") }))
        #expect(certificate.issuer == certificate.subject)
        #expect(certificate.publicKey.isValidSignature(certificate.signature, for: certificate))
        #expect(try certificate.extensions.basicConstraints == .isCertificateAuthority(maxPathLength: nil))
        #expect(certificate.extensions[oid: .X509ExtensionID.basicConstraints]?.critical == true)
        let keyUsage = try #require(try certificate.extensions.keyUsage)
        #expect(keyUsage.keyCertSign && keyUsage.cRLSign && !keyUsage.digitalSignature)
        #expect(certificate.extensions[oid: .X509ExtensionID.keyUsage]?.critical == true)
        #expect(
            try certificate.extensions.subjectKeyIdentifier == SubjectKeyIdentifier(hash: certificate.publicKey)
        )
        expectClose(certificate.notValidBefore, now - 3600)
        expectClose(certificate.notValidAfter, now + 10 * 365.25 * 86400, within: 2 * 86400)

        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try ca.write(to: directory.path, name: "ca")
        #expect(try String(contentsOfFile: path, encoding: .utf8) == ca.certificatePEM)
        let text = try OpenSSLCommand.run(["x509", "-in", path, "-noout", "-text"])
        #expect(text.succeeded && text.output.contains("CA:TRUE"), "\(text.output)")
        let verify = try OpenSSLCommand.run(["verify", "-CAfile", path, path])
        #expect(verify.succeeded, "\(verify.output)")
    }

    // MARK: What every server leaf has

    @Test(arguments: CertificateProfile.allCases)
    func everyServerLeafIsAServerLeaf(profile: CertificateProfile) throws {
        let issued = try ca.issueServerCertificate(hostnames: [Self.host], profile: profile, now: now)
        let leaf = issued.certificate
        let signer = issued.issuerCertificate
        if profile == .unknownCA {
            #expect(signer.subject == (try DistinguishedName { CommonName("dbtunnel rogue CA") }))
            #expect(!ca.certificate.publicKey.isValidSignature(leaf.signature, for: leaf))
        } else {
            #expect(signer == ca.certificate)
        }
        #expect(leaf.issuer == signer.subject)
        #expect(signer.publicKey.isValidSignature(leaf.signature, for: leaf))

        #expect(try leaf.extensions.basicConstraints == .notCertificateAuthority)
        #expect(leaf.extensions[oid: .X509ExtensionID.basicConstraints]?.critical == true)
        let keyUsage = try #require(try leaf.extensions.keyUsage)
        #expect(keyUsage.digitalSignature && keyUsage.keyEncipherment && !keyUsage.keyCertSign)
        #expect(try leaf.extensions.extendedKeyUsage.map(Array.init) == [.serverAuth])
        #expect(
            try leaf.extensions.authorityKeyIdentifier?.keyIdentifier
                == signer.extensions.subjectKeyIdentifier?.keyIdentifier
        )
        #expect(issued.privateKey.publicKey == leaf.publicKey)
        let signerPEM = try PEMFile.text(signer)
        #expect(issued.chainPEM == issued.certificatePEM + signerPEM)

        try expectUsableKeyAndChain(issued)
    }

    @Test func serialNumbersAreRandom() throws {
        let first = try ca.issueServerCertificate(hostnames: [Self.host], profile: .valid, now: now)
        let second = try ca.issueServerCertificate(hostnames: [Self.host], profile: .valid, now: now)
        #expect(first.certificate.serialNumber != second.certificate.serialNumber)
        #expect(first.certificate.serialNumber != ca.certificate.serialNumber)
        #expect(first.privateKeyPEM != second.privateKeyPEM)
    }

    @Test func descriptionsNameCertificatesNotKeys() throws {
        let issued = try ca.issueServerCertificate(hostnames: [Self.host], profile: .valid, now: now)
        #expect(String(describing: issued).contains(Self.host))
        #expect(!String(describing: issued).contains("PRIVATE KEY"))
        #expect(String(describing: ca).contains("dbtunnel lab CA"))
    }

    @Test func aServerCertificateNeedsAHostname() {
        #expect(throws: LabCertificateError.self) {
            try ca.issueServerCertificate(hostnames: [], profile: .valid)
        }
    }

    @Test func writingReplacesAWiderKeyFileAndReportsAMissingDirectory() throws {
        let issued = try ca.issueServerCertificate(hostnames: [Self.host], profile: .valid, now: now)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let stale = directory.path + "/server.key"
        let wide: [FileAttributeKey: Any] = [.posixPermissions: 0o644]
        #expect(FileManager.default.createFile(atPath: stale, contents: Data("old".utf8), attributes: wide))
        let paths = try issued.write(to: directory.path, name: "server")
        #expect(paths.key == stale)
        let mode = try FileManager.default.attributesOfItem(atPath: stale)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
        #expect(try String(contentsOfFile: stale, encoding: .utf8) == issued.privateKeyPEM)

        let error = #expect(throws: LabCertificateError.self) {
            try issued.write(to: directory.path + "/missing", name: "server")
        }
        #expect(error?.code == .unwritableFile)
        #expect(error?.underlying != nil)
    }

    // MARK: Each profile

    @Test func validNamesEveryHostnameAndOptionallyLoopback() async throws {
        let other = "mydb-proxy.proxy-abcdefghijkl.us-east-1.rds.amazonaws.com"
        let issued = try ca.issueServerCertificate(
            hostnames: [Self.host, other], profile: .valid, includeLoopbackIP: true, now: now)
        #expect(
            try sanDescriptions(issued)
                == [#"DNSName("\#(Self.host)")"#, #"DNSName("\#(other)")"#, "IPAddress([127, 0, 0, 1])"]
        )
        #expect(issued.certificate.subject == (try DistinguishedName { CommonName(Self.host) }))
        expectClose(issued.certificate.notValidBefore, now - 3600)
        expectClose(issued.certificate.notValidAfter, now + 365 * 86400, within: 86400 + 2)
        #expect(await verifies(issued, root: ca.certificate, hostname: Self.host))
        #expect(await verifies(issued, root: ca.certificate, hostname: other))
        #expect(await verifies(issued, root: ca.certificate, ip: "127.0.0.1"))

        let files = try write(issued)
        defer { files.directory.remove() }
        let ext = try OpenSSLCommand.run(["x509", "-in", files.certificate, "-noout", "-ext", "subjectAltName"])
        #expect(ext.output.contains("DNS:\(Self.host), DNS:\(other), IP Address:127.0.0.1"), "\(ext.output)")
        for check in [["-verify_hostname", Self.host], ["-verify_hostname", other], ["-verify_ip", "127.0.0.1"]] {
            let result = try openSSLVerify(files, check)
            #expect(result.succeeded && result.output.contains(": OK"), "\(check): \(result.output)")
        }
    }

    @Test func validWithoutLoopbackNamesOnlyTheHost() async throws {
        let issued = try ca.issueServerCertificate(hostnames: [Self.host], profile: .valid, now: now)
        #expect(try sanDescriptions(issued) == [#"DNSName("\#(Self.host)")"#])
        #expect(await !verifies(issued, root: ca.certificate, ip: "127.0.0.1"))
        let files = try write(issued)
        defer { files.directory.remove() }
        let result = try openSSLVerify(files, ["-verify_ip", "127.0.0.1"])
        #expect(!result.succeeded && result.output.contains("IP address mismatch"), "\(result.output)")
    }

    @Test func legacyCommonNameHasNoSubjectAltNameAtAll() async throws {
        let issued = try ca.issueServerCertificate(
            hostnames: [Self.host], profile: .legacyCommonName, includeLoopbackIP: true, now: now)
        #expect(issued.certificate.extensions[oid: .X509ExtensionID.subjectAlternativeName] == nil)
        #expect(issued.certificate.subject == (try DistinguishedName { CommonName(Self.host) }))

        let files = try write(issued)
        defer { files.directory.remove() }
        let ext = try OpenSSLCommand.run(["x509", "-in", files.certificate, "-noout", "-ext", "subjectAltName"])
        #expect(ext.succeeded && !ext.output.contains("Subject Alternative Name"), "\(ext.output)")
        // OpenSSL and swift-certificates still fall back to the CN, so they accept this
        // certificate: refusing it is the tunnel's own job (PeerCertificateCheck).
        let result = try openSSLVerify(files, ["-verify_hostname", Self.host])
        #expect(result.succeeded, "\(result.output)")
        #expect(await verifies(issued, root: ca.certificate, hostname: Self.host))
    }

    @Test func expiredEndedYesterday() async throws {
        let issued = try ca.issueServerCertificate(hostnames: [Self.host], profile: .expired, now: now)
        #expect(try sanDescriptions(issued) == [#"DNSName("\#(Self.host)")"#])
        expectClose(issued.certificate.notValidBefore, now - 30 * 86400)
        expectClose(issued.certificate.notValidAfter, now - 86400)
        #expect(await !verifies(issued, root: ca.certificate, hostname: Self.host))
        // Nothing but the dates is wrong: issued as if two days from now, it verifies today.
        let later = try ca.issueServerCertificate(hostnames: [Self.host], profile: .expired, now: now + 2 * 86400)
        #expect(await verifies(later, root: ca.certificate, hostname: Self.host))

        let files = try write(issued)
        defer { files.directory.remove() }
        let result = try openSSLVerify(files, ["-verify_hostname", Self.host])
        #expect(!result.succeeded && result.output.contains("certificate has expired"), "\(result.output)")
    }

    @Test func wrongHostNamesAnotherHost() async throws {
        let issued = try ca.issueServerCertificate(
            hostnames: [Self.host], profile: .wrongHost, includeLoopbackIP: true, now: now)
        #expect(try sanDescriptions(issued) == [#"DNSName("wrong-host.invalid")"#])
        #expect(issued.certificate.subject == (try DistinguishedName { CommonName("wrong-host.invalid") }))
        #expect(await !verifies(issued, root: ca.certificate, hostname: Self.host))
        #expect(await !verifies(issued, root: ca.certificate, ip: "127.0.0.1"))
        #expect(await verifies(issued, root: ca.certificate, hostname: "wrong-host.invalid"))

        let files = try write(issued)
        defer { files.directory.remove() }
        let result = try openSSLVerify(files, ["-verify_hostname", Self.host])
        #expect(!result.succeeded && result.output.contains("hostname mismatch"), "\(result.output)")
    }

    @Test func unknownCAIsSignedByARogueCA() async throws {
        let issued = try ca.issueServerCertificate(hostnames: [Self.host], profile: .unknownCA, now: now)
        let rogue = issued.issuerCertificate
        #expect(try sanDescriptions(issued) == [#"DNSName("\#(Self.host)")"#])
        let roguePEM = try PEMFile.text(rogue)
        #expect(issued.chainPEM.hasSuffix(roguePEM))
        #expect(try rogue.extensions.basicConstraints == .isCertificateAuthority(maxPathLength: nil))
        #expect(await !verifies(issued, root: ca.certificate, hostname: Self.host))
        // Trusting the rogue CA would make it valid: the CA is the only fault.
        #expect(await verifies(issued, root: rogue, hostname: Self.host))

        let files = try write(issued)
        defer { files.directory.remove() }
        let result = try openSSLVerify(files, ["-verify_hostname", Self.host])
        #expect(
            !result.succeeded && result.output.contains("unable to get local issuer certificate"), "\(result.output)")
        // Given the chain the server sends, OpenSSL finds the rogue root and still refuses it.
        let withChain = try openSSLVerify(files, ["-verify_hostname", Self.host, "-untrusted", files.certificate])
        #expect(
            !withChain.succeeded && withChain.output.contains("self-signed certificate in certificate chain"),
            "\(withChain.output)"
        )
    }

    // MARK: Client certificates

    @Test func clientCertificateIsForClientAuth() async throws {
        let issued = try ca.issueClientCertificate(commonName: "iam_user", now: now)
        let leaf = issued.certificate
        #expect(leaf.subject == (try DistinguishedName { CommonName("iam_user") }))
        #expect(leaf.issuer == ca.certificate.subject)
        #expect(ca.certificate.publicKey.isValidSignature(leaf.signature, for: leaf))
        #expect(try leaf.extensions.extendedKeyUsage.map(Array.init) == [.clientAuth])
        #expect(try leaf.extensions.basicConstraints == .notCertificateAuthority)
        #expect(try leaf.extensions.keyUsage?.digitalSignature == true)
        #expect(
            try leaf.extensions.authorityKeyIdentifier?.keyIdentifier
                == ca.certificate.extensions.subjectKeyIdentifier?.keyIdentifier
        )
        expectClose(leaf.notValidBefore, now - 3600)
        try expectUsableKeyAndChain(issued)

        let files = try write(issued)
        defer { files.directory.remove() }
        let client = try openSSLVerify(files, ["-purpose", "sslclient"])
        #expect(client.succeeded, "\(client.output)")
        let server = try openSSLVerify(files, ["-purpose", "sslserver"])
        #expect(!server.succeeded && server.output.contains("unsuitable certificate purpose"), "\(server.output)")
    }
}
