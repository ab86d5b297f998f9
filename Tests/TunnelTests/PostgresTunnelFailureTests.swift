import AWSAuth
import DBMocks
import Foundation
import NIOCore
import TestSupport
import Testing
@testable import Tunnel

/// What the user sees when the upstream is wrong, and that nothing is relayed then.
@Suite("PostgreSQL tunnel failures")
struct PostgresTunnelFailureTests {
    static let certificateCases: [(CertificateProfile, String)] = [
        (.legacyCommonName, "x509: certificate relies on legacy Common Name field, use SANs instead"),
        (.unknownCA, "x509: certificate signed by unknown authority"),
        (.expired, "x509: certificate has expired or is not yet valid"),
        (.wrongHost, "x509: certificate is valid for wrong-host.invalid, not mydb.abcdefghijkl.us-east-1.rds.amazonaws.com"),
    ]

    @Test(arguments: certificateCases)
    func brokenCertificateGetsItsOwnMessageAndNothingIsRelayed(profile: CertificateProfile, message: String) async throws {
        let endpoint = try await TunnelLab.endpoint(profile: profile)
        let (tunnel, port) = try await TunnelLab.tunnel(dialPort: endpoint.port!)
        defer { Task { try? await tunnel.close(); try? await endpoint.close() } }
        let result = try await TunnelLab.psql(port: port, ["-c", "select 1"])
        #expect(!result.succeeded)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(endpoint.statistics.passwordsReceived == 0)
        #expect(endpoint.statistics.backendSessionsOpened == 0)
    }

    @Test func verifyCAModeAcceptsAWrongHostnameButNotAnUnknownCA() async throws {
        let wrongHost = try await TunnelLab.endpoint(profile: .wrongHost)
        let (tunnel, port) = try await TunnelLab.tunnel(
            dialPort: wrongHost.port!, tls: UpstreamTLSConfiguration(caFile: TunnelLab.shared.caPath, mode: .verifyCA)
        )
        defer { Task { try? await tunnel.close(); try? await wrongHost.close() } }
        let result = try await TunnelLab.psql(port: port, ["-c", "select 1"])
        #expect(result.stdout == "1\n", "\(result)")

        let unknownCA = try await TunnelLab.endpoint(profile: .unknownCA)
        let (strictTunnel, strictPort) = try await TunnelLab.tunnel(
            dialPort: unknownCA.port!, tls: UpstreamTLSConfiguration(caFile: TunnelLab.shared.caPath, mode: .verifyCA)
        )
        defer { Task { try? await strictTunnel.close(); try? await unknownCA.close() } }
        let refused = try await TunnelLab.psql(port: strictPort, ["-c", "select 1"])
        #expect(refused.stderr.contains("x509: certificate signed by unknown authority"), "\(refused)")
    }

    @Test func badTokenShowsThePAMMessageInPsql() async throws {
        let endpoint = try await TunnelLab.endpoint()
        let wrongSecret = AWSCredentials(accessKeyID: TunnelLab.credentials.accessKeyID, secretAccessKey: "not-the-secret")
        let (tunnel, port) = try await TunnelLab.tunnel(dialPort: endpoint.port!, credentials: wrongSecret)
        defer { Task { try? await tunnel.close(); try? await endpoint.close() } }
        let result = try await TunnelLab.psql(port: port, ["-c", "select 1"])
        #expect(!result.succeeded)
        #expect(result.stderr.contains("FATAL:  PAM authentication failed for user \"alice\""), "\(result.stderr)")
        #expect(endpoint.statistics.passwordsReceived == 1)
        #expect(endpoint.statistics.backendSessionsOpened == 0)
    }

    @Test func iamAuthDisabledOnTheInstanceRefusesEveryToken() async throws {
        let endpoint = try await TunnelLab.endpoint(iamEnabled: false)
        let (tunnel, port) = try await TunnelLab.tunnel(dialPort: endpoint.port!)
        defer { Task { try? await tunnel.close(); try? await endpoint.close() } }
        let result = try await TunnelLab.psql(port: port, ["-c", "select 1"])
        #expect(result.stderr.contains("PAM authentication failed for user \"alice\""), "\(result.stderr)")
    }

    @Test func endpointThatDropsPacketsFailsWithinTheConnectTimeout() async throws {
        let blackhole = try await DroppingListener()
        let (tunnel, port) = try await TunnelLab.tunnel(dialPort: blackhole.port, connectTimeout: .seconds(2))
        defer { Task { try? await tunnel.close(); blackhole.close() } }
        let started = ContinuousClock.now
        let result = try await TunnelLab.psql(port: port, ["-c", "select 1"])
        let elapsed = ContinuousClock.now - started
        #expect(!result.succeeded)
        #expect(result.stderr.contains("timed out after 2 s connecting to mydb.abcdefghijkl.us-east-1.rds.amazonaws.com:5432"), "\(result.stderr)")
        #expect(result.stderr.contains("nc -zv 127.0.0.1 \(blackhole.port)"))
        #expect(elapsed < .seconds(5))
        #expect(elapsed >= .milliseconds(1900))
    }

    @Test func endpointThatRefusesFailsAtOnceSayingSo() async throws {
        let closedPort = try FreePort.next()
        let (tunnel, port) = try await TunnelLab.tunnel(dialPort: closedPort, connectTimeout: .seconds(20))
        defer { Task { try? await tunnel.close() } }
        let started = ContinuousClock.now
        let result = try await TunnelLab.psql(port: port, ["-c", "select 1"])
        #expect(result.stderr.contains("connection refused"), "\(result.stderr)")
        // A refusal is immediate: well before the 20 s connect timeout that a drop would hit.
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    static let garbage: [(String, [UInt8])] = [
        ("random bytes", (0..<64).map { _ in UInt8.random(in: 0...255) }),
        ("HTTP request", Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8)),
        ("oversized length prefix", [0x7F, 0xFF, 0xFF, 0xFF, 0x00, 0x03, 0x00, 0x00]),
        ("length below minimum", [0x00, 0x00, 0x00, 0x02]),
        ("unknown protocol version", [0, 0, 0, 8, 0x00, 0x09, 0x00, 0x00]),
    ]

    @Test(arguments: garbage)
    func garbageOnTheListenerClosesThatConnectionOnly(name: String, bytes: [UInt8]) async throws {
        let endpoint = try await TunnelLab.endpoint()
        let (tunnel, port) = try await TunnelLab.tunnel(dialPort: endpoint.port!)
        defer { Task { try? await tunnel.close(); try? await endpoint.close() } }
        let reply = try await blocking { try RawSocket.exchange(port: port, send: bytes) }
        #expect(reply.closed, "\(name): the tunnel kept the connection open")
        #expect(endpoint.statistics.connectionsAccepted == 0, "\(name) reached the upstream")
        let after = try await TunnelLab.psql(port: port, ["-c", "select 1"])
        #expect(after.stdout == "1\n", "\(name): the listener stopped serving: \(after)")
    }

    @Test func truncatedStartupPacketThenEOFClosesThatConnectionOnly() async throws {
        let endpoint = try await TunnelLab.endpoint()
        let (tunnel, port) = try await TunnelLab.tunnel(dialPort: endpoint.port!)
        defer { Task { try? await tunnel.close(); try? await endpoint.close() } }
        // Promises 40 bytes, sends 12, then closes its side.
        let reply = try await blocking { try RawSocket.exchange(port: port, send: [0, 0, 0, 40, 0x00, 0x03, 0x00, 0x00, 0x75, 0x73, 0x65, 0x72], shutdownWrite: true) }
        #expect(reply.closed)
        #expect(reply.bytes.isEmpty)
        let after = try await TunnelLab.psql(port: port, ["-c", "select 1"])
        #expect(after.stdout == "1\n")
    }
}
