import AWSAuth
import AWSMocks
import Logging
import Foundation
import Lab
import TestSupport

/// A lab started from an inline lab file for one test: one PostgreSQL backend with alice (a
/// member of rds_iam) and bob (not), and two instances in front of it, `plain` and `mtls`
/// (which requires a client certificate), and `catalog`, a MySQL instance in the RDS API only. Tokens are signed with alice's key, whom a policy
/// allows `rds-db:connect` as anyone.
struct RunningLab: Sendable {
    static let labFile = """
        name: runtime-test
        accounts:
          "111111111111":
            users:
              alice:
                access_keys:
                  - {id: AKIALABTESTEXAMPLE01, secret: lab/runtime/test/SECRET0000000000000001}
                policies:
                  connect-anyone:
                    Version: "2012-10-17"
                    Statement:
                      - {Effect: Allow, Action: rds-db:connect, Resource: "*"}
        backends:
          pg:
            engine: postgres
            users: [alice, {name: bob, rds_iam: false}]
        databases:
          plain:
            kind: rds-instance
            account: "111111111111"
            backend: pg
          mtls:
            kind: rds-instance
            account: "111111111111"
            backend: pg
            require_client_certificate: true
          catalog:   # in the RDS API only: no backend, no endpoint
            kind: rds-instance
            account: "111111111111"
            engine: mysql
        """
    static let credentials = AWSCredentials(accessKeyID: "AKIALABTESTEXAMPLE01", secretAccessKey: "lab/runtime/test/SECRET0000000000000001")

    struct Missing: Error, CustomStringConvertible {
        let description: String
    }

    let runtime: LabRuntime
    let log: LogBuffer
    let directory: TemporaryDirectory

    static func start() async throws -> RunningLab {
        let lab = try LabFile.parse(labFile, file: "runtime-test.yaml")
        let directory = try TemporaryDirectory(prefix: "dbtunnel-lab-runtime")
        let log = LogBuffer()
        let runtime = try await LabRuntime.start(lab, stateDirectory: directory.path + "/state", logger: log.logger(label: "lab", level: ProcessInfo.processInfo.environment["DBTUNNEL_TEST_LOG"] == nil ? .info : .trace))
        return RunningLab(runtime: runtime, log: log, directory: directory)
    }

    func stop() async {
        await runtime.stop()
        directory.remove()
    }

    func endpoint(_ identifier: String) throws -> LabRuntime.Endpoint {
        guard let endpoint = runtime.endpoints.first(where: { $0.database.identifier == identifier }) else {
            throw Missing(description: "no endpoint \(identifier)")
        }
        return endpoint
    }

    var backend: PostgresServer {
        get throws {
            guard let backend = runtime.backends["pg"] else { throw Missing(description: "no backend pg") }
            return backend
        }
    }

    /// What libpq needs to sign in at `identifier` as `user` with a fresh token: the endpoint's
    /// name for verify-full, its real address, the lab CA, and for `mtls` the lab's client
    /// certificate.
    func conninfo(_ identifier: String, user: String, clientCertificate: Bool = true) throws -> String {
        let endpoint = try endpoint(identifier)
        let database = endpoint.database
        let token = RDSAuthToken.generate(
            host: database.hostname, port: database.port, user: user, region: database.region,
            credentials: Self.credentials, date: runtime.world.now
        )
        var conninfo = "host=\(database.hostname) hostaddr=127.0.0.1 port=\(endpoint.port) user=\(user) dbname=postgres "
            + "sslmode=verify-full sslrootcert=\(runtime.caPath) connect_timeout=10 password='\(token)'"
        if clientCertificate, database.requireClientCertificate, let certificate = runtime.clientCertificatePath, let key = runtime.clientKeyPath {
            conninfo += " sslcert=\(certificate) sslkey=\(key)"
        }
        return conninfo
    }

    /// The lab's exports, as a scenario's shell step gets them.
    var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PG") }
        for (name, value) in runtime.environment { environment[name] = value }
        return environment
    }

    /// Waits (bounded) until `condition` holds; false if it never did.
    static func eventually(within limit: Duration = .seconds(10), _ condition: @escaping @Sendable () throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if try await blocking(condition) { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }
}
