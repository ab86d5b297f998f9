import AWSAuth
import DBMocks
import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresWire
import TestSupport
import Tunnel

/// The world the tunnel tests run in: one real PostgreSQL for the whole test process (started
/// on first use, stopped at exit), a lab CA, and per test a mock RDS endpoint and a tunnel.
enum TunnelLab {
    static let hostname = "mydb.abcdefghijkl.us-east-1.rds.amazonaws.com"
    static let region = "us-east-1"
    static let credentials = AWSCredentials(
        accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    )
    static let principal = "arn:aws:iam::123456789012:user/alice"

    /// Users that exist in the backend (`alice` signs in through the tunnel).
    static let shared: Shared = {
        do { return try Shared() } catch { fatalError("cannot start the test PostgreSQL: \(error)") }
    }()

    final class Shared: Sendable {
        let postgres: PostgresServer
        let ca: LabCertificateAuthority
        let directory: String
        let caPath: String

        init() throws {
            postgres = try PostgresServer.start(.init(settings: ["max_connections": "400"]))
            // Killed at process exit: a test run must leave no server, and no directory, behind.
            sharedServerForExit = postgres
            atexit {
                sharedServerForExit?.stop()
                if let directory = sharedDirectoryForExit { try? FileManager.default.removeItem(atPath: directory) }
            }
            // As on RDS, signing in with a token takes a member of rds_iam.
            try postgres.psql("""
                create role rds_iam; create role alice login; create role bob login; grant rds_iam to alice, bob;
                create database app owner alice;
                """)
            ca = try LabCertificateAuthority.generate()
            directory = NSTemporaryDirectory() + "dbtunnel-tunnel-tests-\(getpid())"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            sharedDirectoryForExit = directory
            caPath = try ca.write(to: directory, name: "lab-ca")
        }
    }

    static let logger: Logger = {
        var logger = Logger(label: "test")
        logger.logLevel = ProcessInfo.processInfo.environment["DBTUNNEL_TEST_LOG"] == nil ? .critical : .debug
        return logger
    }()

    static let verifier = RDSTokenVerifier { accessKeyID in
        accessKeyID == credentials.accessKeyID
            ? RDSTokenVerifier.KeyRecord(secretAccessKey: credentials.secretAccessKey, principalARN: principal)
            : nil
    }

    /// A mock endpoint for `hostname` presenting a certificate of `profile`.
    static func endpoint(
        profile: CertificateProfile = .valid, iamEnabled: Bool = true, clientCA: String? = nil
    ) async throws -> MockPostgresEndpoint {
        let certificate = try shared.ca.issueServerCertificate(hostnames: [hostname], profile: profile)
        let endpoint = try MockPostgresEndpoint(
            configuration: .init(
                hostname: hostname, advertisedPort: 5432, region: region,
                certificateChainPEM: certificate.chainPEM, privateKeyPEM: certificate.privateKeyPEM, clientCAPEM: clientCA,
                backendPort: shared.postgres.port, iamAuthenticationEnabled: iamEnabled
            ),
            verifier: verifier, logger: logger
        )
        try await endpoint.start()
        return endpoint
    }

    /// A tunnel to `hostname:5432` that dials `dialPort` on 127.0.0.1.
    static func tunnel(
        dialPort: Int, credentials: AWSCredentials = credentials, dbUser: String? = nil, dbName: String? = nil,
        connectTimeout: TimeAmount = .seconds(5), tls: UpstreamTLSConfiguration? = nil
    ) async throws -> (PostgresTunnel, Int) {
        let target = try DatabaseTarget.resolve(uri: "\(hostname):5432", region: nil)
        let configuration = TunnelConfiguration(
            target: target, dialAddress: ("127.0.0.1", dialPort), dbUser: dbUser, dbName: dbName,
            tls: tls ?? UpstreamTLSConfiguration(caFile: shared.caPath), connectTimeout: connectTimeout
        )
        let tunnel = try PostgresTunnel(
            configuration: configuration,
            credentials: RDSTokenSource(target: target, credentials: CredentialCache { credentials }),
            logger: logger
        )
        let address = try await tunnel.start()
        return (tunnel, address.port!)
    }

    /// psql against the tunnel (sslmode=prefer: psql asks for SSL first and is told N).
    static func psql(port: Int, user: String = "alice", database: String = "postgres", _ arguments: [String],
                     environment extra: [String: String] = [:], timeout: Duration = .seconds(60)) async throws -> SubprocessResult {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PG") }
        environment["PGCONNECT_TIMEOUT"] = "15"
        environment["PGSSLMODE"] = "prefer"
        environment.merge(extra) { $1 }
        let command = ["psql", "-X", "-A", "-t", "-h", "127.0.0.1", "-p", String(port), "-U", user, "-d", database] + arguments
        return try await blocking { [environment] in try Subprocess.run(command, environment: environment, timeout: timeout) }
    }

    static func conninfo(port: Int, user: String = "alice", database: String = "postgres") -> String {
        "host=127.0.0.1 port=\(port) user=\(user) dbname=\(database) sslmode=disable connect_timeout=15"
    }
}

nonisolated(unsafe) private var sharedServerForExit: PostgresServer?
nonisolated(unsafe) private var sharedDirectoryForExit: String?
