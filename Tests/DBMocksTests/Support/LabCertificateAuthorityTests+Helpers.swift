import Foundation
import TestSupport
import NIOSSL
import Testing
import X509

@testable import DBMocks

extension LabCertificateAuthorityTests {
    struct WrittenFiles {
        let directory: TemporaryDirectory
        let ca: String
        let certificate: String
        let key: String
    }

    /// The lab CA and `issued` written as a lab would write them, in a new temporary directory.
    func write(_ issued: IssuedCertificate) throws -> WrittenFiles {
        let directory = try TemporaryDirectory()
        let caPath = try ca.write(to: directory.path, name: "ca")
        let paths = try issued.write(to: directory.path, name: "server")
        return WrittenFiles(directory: directory, ca: caPath, certificate: paths.certificate, key: paths.key)
    }

    /// `openssl verify -CAfile ca.pem <checks> server.crt`; openssl reads only the first
    /// certificate of server.crt, the leaf.
    func openSSLVerify(_ files: WrittenFiles, _ checks: [String]) throws -> OpenSSLCommand.Result {
        try OpenSSLCommand.run(["verify", "-CAfile", files.ca] + checks + [files.certificate])
    }

    /// The subjectAltName entries as swift-certificates prints them; nil without the extension.
    func sanDescriptions(_ issued: IssuedCertificate) throws -> [String]? {
        try issued.certificate.extensions.subjectAlternativeNames.map { $0.map(String.init(describing:)) }
    }

    /// Whether swift-certificates' RFC 5280 + RFC 6125 verifier accepts the leaf now, with `root`
    /// as the only trusted certificate.
    func verifies(
        _ issued: IssuedCertificate,
        root: Certificate,
        hostname: String? = nil,
        ip: String? = nil
    ) async -> Bool {
        var verifier = Verifier(rootCertificates: CertificateStore([root])) {
            RFC5280Policy()
            ServerIdentityPolicy(serverHostname: hostname, serverIP: ip)
        }
        let result = await verifier.validate(leaf: issued.certificate, intermediates: CertificateStore())
        if case .validCertificate = result { return true }
        return false
    }

    /// The PEMs load in NIOSSL and OpenSSL, form a server TLS configuration, and the files are
    /// written with the modes PostgreSQL wants.
    func expectUsableKeyAndChain(
        _ issued: IssuedCertificate,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        #expect(issued.privateKeyPEM.hasPrefix("-----BEGIN PRIVATE KEY-----\n"), sourceLocation: sourceLocation)
        #expect(issued.privateKeyPEM.hasSuffix("-----END PRIVATE KEY-----\n"), sourceLocation: sourceLocation)
        #expect(issued.chainPEM.hasPrefix(issued.certificatePEM), sourceLocation: sourceLocation)

        let leaf = try NIOSSLCertificate(bytes: Array(issued.certificatePEM.utf8), format: .pem)
        let chain = try NIOSSLCertificate.fromPEMBytes(Array(issued.chainPEM.utf8))
        let key = try NIOSSLPrivateKey(bytes: Array(issued.privateKeyPEM.utf8), format: .pem)
        #expect(chain.count == 2, sourceLocation: sourceLocation)
        #expect(chain.first == leaf, sourceLocation: sourceLocation)
        let configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) },
            privateKey: .privateKey(key)
        )
        _ = try NIOSSLContext(configuration: configuration)

        let files = try write(issued)
        defer { files.directory.remove() }
        let keyAttributes = try FileManager.default.attributesOfItem(atPath: files.key)
        #expect((keyAttributes[.posixPermissions] as? NSNumber)?.intValue == 0o600, sourceLocation: sourceLocation)
        #expect(try String(contentsOfFile: files.certificate, encoding: .utf8) == issued.chainPEM, sourceLocation: sourceLocation)
        #expect(try String(contentsOfFile: files.key, encoding: .utf8) == issued.privateKeyPEM, sourceLocation: sourceLocation)

        let parsed = try OpenSSLCommand.run(["pkey", "-in", files.key, "-noout"])
        #expect(parsed.succeeded, "\(parsed.output)", sourceLocation: sourceLocation)
        let keyPublic = try OpenSSLCommand.run(["pkey", "-in", files.key, "-pubout"])
        let certificatePublic = try OpenSSLCommand.run(["x509", "-in", files.certificate, "-noout", "-pubkey"])
        #expect(keyPublic.succeeded && keyPublic.output.contains("BEGIN PUBLIC KEY"), sourceLocation: sourceLocation)
        #expect(keyPublic.output == certificatePublic.output, sourceLocation: sourceLocation)
    }

    func expectClose(
        _ date: Date,
        _ expected: Date,
        within tolerance: TimeInterval = 2,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(abs(date.timeIntervalSince(expected)) <= tolerance, "\(date) is not \(expected)", sourceLocation: sourceLocation)
    }
}
