import Foundation
import Logging
import Testing
import TestSupport

/// The lab's real MariaDB server, the libmariadb client, and `engine: mariadb` lab backends.
/// Every blocking call runs on a thread of its own (`blocking`), off the concurrency pool.
@Suite("MariaDB server and client")
struct MariaDBServerTests {
    @Test func createsUsersAndAnswersLibMariaDB() async throws {
        try await blocking {
            let server = try MariaDBServer.start()
            defer { server.stop() }
            _ = try server.sql("create user 'alice'@'%' identified by 'alice-pw'; create database app; grant all on app.* to 'alice'@'%';")
            #expect(try server.sql("select 1, 'x'") == "1\tx")

            let connection = try MariaDBConnection(host: server.host, port: server.port, user: "alice", password: "alice-pw", database: "app")
            #expect(try connection.query("select 1, null, 'x'") == [["1", nil, "x"]])
            // Several statements: the last one's rows.
            #expect(
                try connection.query("create table t (a int, b text); insert into t values (1, 'é'), (2, null); select * from t order by a")
                    == [["1", "é"], ["2", nil]]
            )
            #expect(try connection.query("select connection_id()") == [[String(connection.connectionID)]])
            #expect(try connection.query("select current_user()") == [["alice@%"]])
            // Plain TCP, no TLS attempted.
            #expect(try connection.query("show session status like 'Ssl_cipher'") == [["Ssl_cipher", ""]])

            let syntax = #expect(throws: MariaDBError.self) { try connection.query("selec 1") }
            #expect(syntax?.code == 1064)
            #expect(syntax?.sqlState == "42000")
            let missing = #expect(throws: MariaDBError.self) { try connection.query("select 1; select * from no_such_table; select 2") }
            #expect(missing?.code == 1146)
            #expect(missing?.description == "ERROR 1146 (42S02): Table 'app.no_such_table' doesn't exist")
            #expect(try connection.query("select 3") == [["3"]])  // the connection survives errors
        }
    }

    @Test func aWrongPasswordIsTheMySQLClientsError() async throws {
        try await blocking {
            let server = try MariaDBServer.start()
            defer { server.stop() }
            _ = try server.sql("create user 'alice'@'%' identified by 'alice-pw'")
            let error = #expect(throws: MariaDBError.self) {
                try MariaDBConnection(host: server.host, port: server.port, user: "alice", password: "wrong", database: nil)
            }
            #expect(error?.code == 1045)
            #expect(error?.sqlState == "28000")
            let expected = "ERROR 1045 (28000): Access denied for user 'alice'@'127.0.0.1' (using password: YES)"
            #expect(error?.description == expected)

            // The mysql client's own words for the same mistake, and its success with the right password.
            let client = try mariadbClient(server, user: "alice", password: "wrong", "select 1")
            #expect(!client.succeeded)
            #expect(client.stderr.trimmingCharacters(in: .whitespacesAndNewlines) == expected, "\(client)")
            let right = try mariadbClient(server, user: "alice", password: "alice-pw", "select 41 + 1")
            #expect(right.succeeded, "\(right)")
            #expect(right.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "42")

            let serverError = #expect(throws: DatabaseServerError.self) { try server.sql("select * from nowhere.nothing") }
            #expect(serverError?.output.contains("ERROR 1146 (42S02)") == true, "\(String(describing: serverError))")
        }
    }

    @Test func killQueryFromAnotherThreadInterruptsASleep() async throws {
        try await blocking {
            let server = try MariaDBServer.start()
            defer { server.stop() }
            _ = try server.sql("create user 'alice'@'%' identified by 'alice-pw'")
            let connection = try MariaDBConnection(host: server.host, port: server.port, user: "alice", password: "alice-pw", database: nil)
            // Bounds the test if the kill never arrives; it ends with error 1969, not 1317.
            _ = try connection.query("set session max_statement_time = 10")

            let killError = LockedBox<MariaDBError?>(nil)
            let killer = Thread {
                Thread.sleep(forTimeInterval: 0.3)
                do { try connection.killQuery() } catch let error as MariaDBError { killError.value = error } catch {}
            }
            let started = ContinuousClock.now
            killer.start()
            let error = #expect(throws: MariaDBError.self) { try connection.query("select sleep(30)") }
            #expect(started.duration(to: .now) < .seconds(2))
            #expect(killError.value == nil, "\(String(describing: killError.value))")
            #expect(error?.code == 1317, "\(String(describing: error))")
            #expect(error?.sqlState == "70100")
            #expect(error?.message == "Query execution was interrupted")
            #expect(try connection.query("select 3") == [["3"]])  // KILL QUERY leaves the connection open
        }
    }

    @Test func connectingToNothingFailsWithinTheTimeout() async throws {
        try await blocking {
            let port = try FreePort.next()
            let started = ContinuousClock.now
            let error = #expect(throws: MariaDBError.self) {
                try MariaDBConnection(host: "127.0.0.1", port: port, user: "root", password: nil, database: nil, connectTimeout: 2)
            }
            #expect(started.duration(to: .now) < .seconds(5))
            #expect(error?.code == 2002 || error?.code == 2003, "\(String(describing: error))")
        }
    }

    @Test func stopLeavesNoServerBehind() async throws {
        try await blocking {
            let server = try MariaDBServer.start()
            let directory = server.dataDirectory
            #expect(!serverProcesses(directory).isEmpty)
            server.stop()
            #expect(serverProcesses(directory).isEmpty)
            #expect(!FileManager.default.fileExists(atPath: directory))
            #expect(server.log.contains("ready for connections"), "\(server.log)")
            server.stop()  // idempotent

            // Forgetting stop() is covered by deinit.
            var forgotten: MariaDBServer? = try MariaDBServer.start()
            let forgottenDirectory = forgotten!.dataDirectory
            #expect(!serverProcesses(forgottenDirectory).isEmpty)
            forgotten = nil
            #expect(serverProcesses(forgottenDirectory).isEmpty)
            #expect(!FileManager.default.fileExists(atPath: forgottenDirectory))
        }
    }

    @Test func aLabWithAMariaDBBackendStartsAndStops() async throws {
        let lab = try LabFile.parse("""
            name: my-lab
            backends:
              my-db:
                engine: mariadb
                users: [{name: alice, password: "it's secret"}, bob]
                databases: [app, logs]
            """, file: "lab.yaml")
        let state = try TemporaryDirectory(prefix: "mariadb-lab")
        var logger = Logger(label: "lab-test")
        logger.logLevel = .critical
        let runtime = try await LabRuntime.start(lab, stateDirectory: state.path, logger: logger)
        let server = try #require(runtime.mariadbBackends["my-db"])
        let directory = server.dataDirectory
        let environment = Dictionary(uniqueKeysWithValues: runtime.environment.map { ($0.name, $0.value) })
        #expect(environment["DBTUNNEL_LAB_BACKEND_MY_DB_HOST"] == "127.0.0.1")
        #expect(environment["DBTUNNEL_LAB_BACKEND_MY_DB_PORT"] == String(server.port))
        #expect(runtime.exportScript.contains("export DBTUNNEL_LAB_BACKEND_MY_DB_PORT='\(server.port)'"))

        let port = server.port
        try await blocking {
            let alice = try MariaDBConnection(host: "127.0.0.1", port: port, user: "alice", password: "it's secret", database: "app")
            #expect(try alice.query("create table t (a int); insert into t values (7); select a from t") == [["7"]])
            let bob = try MariaDBConnection(host: "127.0.0.1", port: port, user: "bob", password: nil, database: "logs")
            #expect(try bob.query("select database()") == [["logs"]])
            #expect(throws: MariaDBError.self) { try bob.query("create database other") }  // privileges on the lab's databases only
        }

        await runtime.stop()
        #expect(try await blocking { serverProcesses(directory) }.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: directory))
    }

    @Test func stopBackendStopsAMariaDBBackend() async throws {
        let lab = try LabFile.parse("backends:\n  my: {engine: mariadb}\n  pg: {engine: postgres}\n", file: "lab.yaml")
        let state = try TemporaryDirectory(prefix: "mariadb-lab")
        var logger = Logger(label: "lab-test")
        logger.logLevel = .critical
        let runtime = try await LabRuntime.start(lab, stateDirectory: state.path, logger: logger)
        let directory = try #require(runtime.mariadbBackends["my"]).dataDirectory
        try await blocking { runtime.stopBackend("my") }
        #expect(try await blocking { serverProcesses(directory) }.isEmpty)
        #expect(runtime.backends["pg"] != nil)
        await runtime.stop()
    }
}

/// The live mariadbd processes started on `directory` (/proc, so nothing else can match).
private func serverProcesses(_ directory: String) -> [String] {
    let pids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc"))?.filter { Int($0) != nil } ?? []
    return pids.filter { pid in
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
        return data.split(separator: 0).contains { String(decoding: $0, as: UTF8.self) == "--datadir=\(directory)" }
    }
}

/// The `mariadb` command-line client over TCP, as a user would run it.
private func mariadbClient(_ server: MariaDBServer, user: String, password: String, _ sql: String) throws -> SubprocessResult {
    try Subprocess.run(
        [
            "mariadb", "--no-defaults", "-h", server.host, "-P", String(server.port), "-u", user, "-p\(password)",
            "--batch", "--skip-column-names", "-e", sql,
        ],
        timeout: .seconds(30)
    )
}
