import AWSAuth
import DBMocks
import Foundation
import NIOCore
import PostgresWire
import TestSupport
import Testing
@testable import Tunnel

/// The tunnel end to end with real clients: psql, pgbench, libpq → tunnel → mock RDS
/// endpoint (TLS, IAM token verification) → a real PostgreSQL.
// Serialized: the load tests (pgbench, 100 MB COPY, 200 sessions) must not overlap the timed
// cancel tests on a 2-core machine.
@Suite("PostgreSQL tunnel with real clients", .serialized)
struct PostgresTunnelTests {
    @Test func psqlRunsQueriesAsTheClientsUserWithItsApplicationName() async throws {
        let endpoint = try await TunnelLab.endpoint()
        let (tunnel, port) = try await TunnelLab.tunnel(dialPort: endpoint.port!)
        defer { Task { try? await tunnel.close(); try? await endpoint.close() } }
        let result = try await TunnelLab.psql(
            port: port, ["-c", "select current_user", "-c", "show application_name"],
            environment: ["PGAPPNAME": "tunnel-test"]
        )
        #expect(result.succeeded, "\(result)")
        #expect(result.stdout == "alice\ntunnel-test\n")
        #expect(endpoint.statistics.passwordsReceived == 1)
    }

    @Test func dbUserAndDbNameAreFilledInAndEnforced() async throws {
        let endpoint = try await TunnelLab.endpoint()
        let (tunnel, port) = try await TunnelLab.tunnel(dialPort: endpoint.port!, dbUser: "alice", dbName: "app")
        defer { Task { try? await tunnel.close(); try? await endpoint.close() } }
        // libpq's default database (the user name) counts as "omitted".
        let ok = try await TunnelLab.psql(port: port, database: "alice", ["-c", "select current_user || '@' || current_database()"])
        #expect(ok.stdout == "alice@app\n", "\(ok)")
        let wrong = try await TunnelLab.psql(port: port, user: "bob", ["-c", "select 1"])
        #expect(!wrong.succeeded)
        #expect(wrong.stderr.contains("this tunnel signs in as \"alice\" (--db-user); the client asked for \"bob\""))
        #expect(endpoint.statistics.passwordsReceived == 1)
    }

    @Test func pgbenchInitializesAndRunsThroughTheTunnel() async throws {
        let endpoint = try await TunnelLab.endpoint()
        let (tunnel, port) = try await TunnelLab.tunnel(dialPort: endpoint.port!)
        defer { Task { try? await tunnel.close(); try? await endpoint.close() } }
        let common = ["-h", "127.0.0.1", "-p", String(port), "-U", "alice"]
        var environment = ProcessInfo.processInfo.environment
        environment["PGSSLMODE"] = "disable"
        let initialize = try await blocking { [environment] in try Subprocess.run(["pgbench", "-i", "-s", "1", "-q"] + common + ["app"], environment: environment, timeout: .seconds(120)) }
        #expect(initialize.succeeded, "\(initialize)")
        let run = try await blocking { [environment] in try Subprocess.run(["pgbench", "-T", "3", "-c", "4", "-j", "2"] + common + ["app"], environment: environment, timeout: .seconds(120)) }
        #expect(run.succeeded, "\(run)")
        #expect(run.stdout.contains("number of failed transactions: 0"))
        let processed = run.stdout.split(separator: "\n").first { $0.contains("number of transactions actually processed") }
        #expect(processed != nil && !processed!.hasSuffix(": 0"), "\(run.stdout)")
    }

    @Test func copyOf100MegabytesOutAndInKeepsEveryByte() async throws {
        let endpoint = try await TunnelLab.endpoint()
        let (tunnel, port) = try await TunnelLab.tunnel(dialPort: endpoint.port!)
        defer { Task { try? await tunnel.close(); try? await endpoint.close() } }
        let directory = try TemporaryDirectory()
        let file = directory.path + "/copy.txt"
        // 100,000 rows of 1,000 'x' and a newline: 100,100,000 bytes.
        let out = try await TunnelLab.psql(port: port, ["-c", "\\copy (select repeat('x', 1000) from generate_series(1, 100000)) to '\(file)'"], timeout: .seconds(300))
        #expect(out.succeeded, "\(out)")
        let size = try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int
        #expect(size == 100_100_000)
        let table = "copy_in_\(UInt32.random(in: 0...UInt32.max))"
        let into = try await TunnelLab.psql(port: port, database: "app", [
            "-c", "create table \(table) (line text)", "-c", "\\copy \(table) from '\(file)'",
            "-c", "select count(*), sum(length(line)) from \(table)", "-c", "drop table \(table)",
        ], timeout: .seconds(300))
        #expect(into.succeeded, "\(into)")
        #expect(into.stdout.contains("100000|100000000"), "\(into.stdout)")
    }

    @Test func libpqCancelEndsASleepingQueryWithin2Seconds() async throws {
        let endpoint = try await TunnelLab.endpoint()
        let (tunnel, port) = try await TunnelLab.tunnel(dialPort: endpoint.port!)
        defer { Task { try? await tunnel.close(); try? await endpoint.close() } }
        let connection = try await blocking { try LibPQConnection(TunnelLab.conninfo(port: port)) }
        try connection.sendQuery("select pg_sleep(30)")
        try await Task.sleep(for: .milliseconds(300))
        let started = ContinuousClock.now
        try connection.cancel()
        let outcome = try await blocking { Result { try connection.waitForResult() } }
        let error = #expect(throws: LibPQError.self) { try outcome.get() }
        #expect(error?.sqlState == "57014")
        #expect(ContinuousClock.now - started < .seconds(2))
        // The session is still usable after the cancel.
        #expect(try await blocking { try connection.query("select 42") } == [["42"]])
    }

    @Test func libpqCancelReachesAnEndpointThatRequiresAClientCertificate() async throws {
        // The tunnel sends its CancelRequest inside TLS with its client certificate; the
        // endpoint refuses a plain one (LabRuntimeTests), so this only passes that way.
        let endpoint = try await TunnelLab.endpoint(clientCA: TunnelLab.shared.ca.certificatePEM)
        let directory = try TemporaryDirectory()
        let client = try TunnelLab.shared.ca.issueClientCertificate(commonName: "tunnel").write(to: directory.path, name: "client")
        let (tunnel, port) = try await TunnelLab.tunnel(
            dialPort: endpoint.port!,
            tls: UpstreamTLSConfiguration(caFile: TunnelLab.shared.caPath, certificateFile: client.certificate, keyFile: client.key)
        )
        defer { Task { try? await tunnel.close(); try? await endpoint.close() } }
        let connection = try await blocking { try LibPQConnection(TunnelLab.conninfo(port: port)) }
        try connection.sendQuery("select pg_sleep(30)")
        try await Task.sleep(for: .milliseconds(300))
        let started = ContinuousClock.now
        try connection.cancel()
        let outcome = try await blocking { Result { try connection.waitForResult() } }
        let error = #expect(throws: LibPQError.self) { try outcome.get() }
        #expect(error?.sqlState == "57014")
        #expect(ContinuousClock.now - started < .seconds(2))
        #expect(endpoint.statistics.cancelRequestsForwarded == 1)
        #expect(endpoint.statistics.cancelRequestsRefused == 0)
        #expect(try await blocking { try connection.query("select 42") } == [["42"]])
    }

    @Test func psqlInterruptedMidQueryCancelsIt() async throws {
        let endpoint = try await TunnelLab.endpoint()
        let (tunnel, port) = try await TunnelLab.tunnel(dialPort: endpoint.port!)
        defer { Task { try? await tunnel.close(); try? await endpoint.close() } }
        var environment = ProcessInfo.processInfo.environment
        environment["PGSSLMODE"] = "prefer"
        let psql = try Subprocess.spawn(
            ["psql", "-X", "-h", "127.0.0.1", "-p", String(port), "-U", "alice", "-d", "postgres", "-c", "select pg_sleep(30), 'interrupted by SIGINT'"],
            environment: environment
        )
        // Wait until the query runs in the backend, then Ctrl+C.
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            let active = try await blocking { try TunnelLab.shared.postgres.psql("select count(*) from pg_stat_activity where query like '%interrupted by SIGINT%' and pid <> pg_backend_pid() and state = 'active'") }
            if active != "0" { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        let started = ContinuousClock.now
        psql.signal(SIGINT)
        let result = try #require(try await blocking { psql.wait(timeout: .seconds(5)) })
        #expect(ContinuousClock.now - started < .seconds(2))
        #expect(result.stderr.contains("canceling statement due to user request"), "\(result)")
    }

    @Test func cancelWithUnknownKeysIsDroppedAndTheQueryRunsOn() async throws {
        let endpoint = try await TunnelLab.endpoint()
        let (tunnel, port) = try await TunnelLab.tunnel(dialPort: endpoint.port!)
        defer { Task { try? await tunnel.close(); try? await endpoint.close() } }
        let connection = try await blocking { try LibPQConnection(TunnelLab.conninfo(port: port)) }
        try connection.sendQuery("select pg_sleep(1), 'finished'")
        // A guessed key pair.
        var packet = ByteBuffer()
        StartupPacket.cancel(CancelRequest(processID: 12345, secretKey: 67890)).encode(into: &packet)
        let bytes = Array(packet.readableBytesView)
        let reply = try await blocking { try RawSocket.exchange(port: port, send: bytes) }
        #expect(reply.bytes.isEmpty && reply.closed)
        #expect(try await blocking { try connection.waitForResult() } == [["", "finished"]])
    }

    @Test func twoHundredConcurrentSessionsAllSucceed() async throws {
        let endpoint = try await TunnelLab.endpoint()
        let (tunnel, port) = try await TunnelLab.tunnel(dialPort: endpoint.port!)
        defer { Task { try? await tunnel.close(); try? await endpoint.close() } }
        let count = 200
        // Real threads: libpq blocks. Every session connects, then all wait until every one is
        // connected, so the 200 are open at the same time, then each runs its query.
        let results = try await blocking { try ThreadedSessions.run(count: count, timeout: .seconds(120)) { index, allConnected in
            let connection = try LibPQConnection(TunnelLab.conninfo(port: port))
            allConnected()
            return try connection.query("select \(index)")[0][0]
        } }
        #expect(Set(results.compactMap { $0 }) == Set((0..<count).map(String.init)))
        #expect(endpoint.statistics.backendSessionsOpened == count)
    }
}
