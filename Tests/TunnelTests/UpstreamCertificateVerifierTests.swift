import DBMocks
import Foundation
import Testing
import SwiftASN1
import X509
@testable import Tunnel

@Suite("Upstream certificate verification")
struct UpstreamCertificateVerifierTests {
    static let host = "mydb.abcdefghijkl.us-east-1.rds.amazonaws.com"
    static let ca = try! LabCertificateAuthority.generate()

    func chain(_ profile: CertificateProfile) throws -> [Certificate] {
        let issued = try Self.ca.issueServerCertificate(hostnames: [Self.host], profile: profile)
        return try issued.chainPEM.components(separatedBy: "-----END CERTIFICATE-----")
            .filter { $0.contains("-----BEGIN CERTIFICATE-----") }
            .map { try Certificate(pemEncoded: $0 + "-----END CERTIFICATE-----") }
    }

    func verifier(_ mode: UpstreamCertificateVerifier.Mode = .verifyFull, name: String = host) -> UpstreamCertificateVerifier {
        UpstreamCertificateVerifier(roots: [Self.ca.certificate], mode: mode, serverName: name)
    }

    @Test func validCertificatePasses() async throws {
        #expect(await verifier().verify(chain: try chain(.valid)) == nil)
    }

    @Test(arguments: [
        (CertificateProfile.legacyCommonName, "x509: certificate relies on legacy Common Name field, use SANs instead"),
        (.unknownCA, "x509: certificate signed by unknown authority"),
        (.expired, "x509: certificate has expired or is not yet valid: current time "),
        (.wrongHost, "x509: certificate is valid for wrong-host.invalid, not \(host)"),
    ])
    func eachBrokenProfileGetsGosMessage(profile: CertificateProfile, message: String) async throws {
        let failure = await verifier().verify(chain: try chain(profile))
        #expect(failure?.hasPrefix(message) == true, "\(failure ?? "nil")")
    }

    @Test func verifyCAChecksTheChainButNotTheName() async throws {
        #expect(await verifier(.verifyCA).verify(chain: try chain(.wrongHost)) == nil)
        #expect(await verifier(.verifyCA).verify(chain: try chain(.legacyCommonName)) == nil)
        #expect(await verifier(.verifyCA).verify(chain: try chain(.unknownCA)) == "x509: certificate signed by unknown authority")
        #expect(await verifier(.verifyCA).verify(chain: try chain(.expired))?.contains("expired") == true)
    }

    @Test func emptyChainIsRefused() async {
        #expect(await verifier().verify(chain: []) == "x509: the server presented no certificate")
    }

    @Test func tlsServerNameOverridesTheHostChecked() async throws {
        let failure = await verifier(name: "other.example").verify(chain: try chain(.valid))
        #expect(failure == "x509: certificate is valid for \(Self.host), not other.example")
    }

    @Test func caFileThatIsNotPEMIsASetupError() throws {
        let path = NSTemporaryDirectory() + "not-a-ca-\(UUID().uuidString).pem"
        try "hello".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect { try UpstreamTLS.loadPEMBundle(path) } throws: { "\($0)".contains("holds no PEM certificate") }
        #expect { try UpstreamTLS.loadPEMBundle("/nonexistent/ca.pem") } throws: { "\($0)".contains("cannot read the CA file") }
    }
}
