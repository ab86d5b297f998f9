import AWSAuth
import DBMocks
import Foundation
import TestSupport
import Testing

/// The mock endpoint with psql straight at it (no tunnel): libpq's own TLS, the token as
/// PGPASSWORD, as a user of a real RDS instance would do it by hand.
@Suite("Mock RDS PostgreSQL endpoint with psql")
struct MockPostgresEndpointTests {
    func psqlDirect(endpointPort: Int, password: String?, sslmode: String = "verify-full") async throws -> SubprocessResult {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PG") }
        if let password { environment["PGPASSWORD"] = password }
        let conninfo = "host=\(TunnelLab.hostname) hostaddr=127.0.0.1 port=\(endpointPort) user=alice dbname=postgres "
            + "sslmode=\(sslmode) sslrootcert=\(TunnelLab.shared.caPath) connect_timeout=10"
        return try await blocking { [environment] in
            try Subprocess.run(["psql", "-X", "-A", "-t", conninfo, "-c", "select current_user"], environment: environment)
        }
    }

    func token(signedAt date: Date = Date()) -> String {
        RDSAuthToken.generate(
            host: TunnelLab.hostname, port: 5432, user: "alice", region: TunnelLab.region,
            credentials: TunnelLab.credentials, date: date
        )
    }

    @Test func acceptsAFreshTokenOverVerifiedTLS() async throws {
        let endpoint = try await TunnelLab.endpoint()
        defer { Task { try? await endpoint.close() } }
        let result = try await psqlDirect(endpointPort: endpoint.port!, password: token())
        #expect(result.stdout == "alice\n", "\(result)")
    }

    @Test func refusesATokenOlderThanFifteenMinutesWithThePAMMessage() async throws {
        let endpoint = try await TunnelLab.endpoint()
        defer { Task { try? await endpoint.close() } }
        let result = try await psqlDirect(endpointPort: endpoint.port!, password: token(signedAt: Date().addingTimeInterval(-16 * 60)))
        #expect(result.stderr.contains("FATAL:  PAM authentication failed for user \"alice\""), "\(result)")
        #expect(endpoint.statistics.backendSessionsOpened == 0)
    }

    @Test func refusesPlainConnectionsAsRDSWithForceSSLDoes() async throws {
        let endpoint = try await TunnelLab.endpoint()
        defer { Task { try? await endpoint.close() } }
        let result = try await psqlDirect(endpointPort: endpoint.port!, password: token(), sslmode: "disable")
        #expect(result.stderr.contains("no pg_hba.conf entry for host \"127.0.0.1\", user \"alice\", database \"postgres\", no encryption"), "\(result)")
    }

    @Test func legacyCommonNameCertificateIsAcceptedByLibpqButNotByTheTunnel() async throws {
        // Why the tunnel checks it itself: libpq (like BoringSSL) falls back to the CN.
        let endpoint = try await TunnelLab.endpoint(profile: .legacyCommonName)
        defer { Task { try? await endpoint.close() } }
        let result = try await psqlDirect(endpointPort: endpoint.port!, password: token())
        #expect(result.stdout == "alice\n", "\(result)")
    }
}
