import Foundation
import Testing
import TestSupport

/// TestSupport's real PostgreSQL server and libpq wrapper, which the tunnel tests stand on.
@Suite struct PostgresServerTests {
    @Test func answersThroughPsqlAndLibPQ() throws {
        let server = try PostgresServer.start()
        defer { server.stop() }
        #expect(try server.psql("select 1") == "1")
        // Several statements, command tags suppressed, rows as a|b lines.
        #expect(try server.psql("create table t (a int, b text); insert into t values (1, 'x'), (2, null); select * from t order by a") == "1|x\n2|")

        let connection = try LibPQConnection(server.connectionString())
        #expect(try connection.query("select 1") == [["1"]])
        #expect(try connection.query("select b from t order by a") == [["x"], [nil]])
        #expect(connection.parameterStatus("server_encoding") == "UTF8")
        #expect(try server.psql("select count(*) from pg_stat_activity where pid = \(connection.backendPID)") == "1")
    }

    @Test func failuresCarryTheServersWords() throws {
        let server = try PostgresServer.start()
        defer { server.stop() }
        let psqlError = #expect(throws: DatabaseServerError.self) { try server.psql("select * from no_such_table") }
        #expect(psqlError?.output.contains("no_such_table") == true)

        let connection = try LibPQConnection(server.connectionString())
        let queryError = #expect(throws: LibPQError.self) { try connection.query("select * from no_such_table") }
        #expect(queryError?.sqlState == "42P01")
        #expect(try connection.query("select 2") == [["2"]])
        #expect(throws: LibPQError.self) { try LibPQConnection(server.connectionString(database: "no_such_database")) }
    }

    @Test func cancelFromAnotherThreadStopsTheQuery() throws {
        let server = try PostgresServer.start()
        defer { server.stop() }
        let connection = try LibPQConnection(server.connectionString())
        // Bounds the test if the cancel never arrives; its 57014 says "statement timeout", not
        // "user request", so it cannot pass for a cancel.
        _ = try connection.query("set statement_timeout = '10s'")

        let started = ContinuousClock.now
        try connection.sendQuery("select pg_sleep(30)")
        let cancelError = LockedBox<LibPQError?>(nil)
        let canceller = Thread {
            Thread.sleep(forTimeInterval: 0.3)
            do { try connection.cancel() } catch let error as LibPQError { cancelError.value = error } catch {}
        }
        canceller.start()
        let error = #expect(throws: LibPQError.self) { try connection.waitForResult() }
        #expect(started.duration(to: .now) < .seconds(2))
        #expect(cancelError.value == nil)
        #expect(error?.sqlState == "57014")
        #expect(error?.message.contains("user request") == true, "\(String(describing: error))")
        #expect(try connection.query("select 3") == [["3"]])  // the connection survives a cancel
    }

    @Test func tlsServerAcceptsSSLModeRequire() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pg-tls-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let certificate = directory + "/server.crt", key = directory + "/server.key"
        let openssl = try Subprocess.run(
            [
                "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1", "-days", "1",
                "-keyout", key, "-out", certificate,
            ],
            timeout: .seconds(30)
        )
        try #require(openssl.succeeded, "\(openssl)")

        let server = try PostgresServer.start(.init(tls: (certificatePath: certificate, keyPath: key)))
        defer { server.stop() }
        let sslQuery = "select ssl from pg_stat_ssl where pid = pg_backend_pid()"
        let tls = try LibPQConnection(server.connectionString("sslmode=require"))
        #expect(try tls.query(sslQuery) == [["t"]])
        let plain = try LibPQConnection(server.connectionString("sslmode=disable"))
        #expect(try plain.query(sslQuery) == [["f"]])
    }

    @Test func optionsReachTheConfiguration() throws {
        let server = try PostgresServer.start(
            .init(hba: ["host all refused 127.0.0.1/32 reject"], settings: ["max_connections": "50", "cluster_name": "it's"])
        )
        defer { server.stop() }
        #expect(try server.psql("show max_connections; show fsync; show listen_addresses; show cluster_name") == "50\noff\n127.0.0.1\nit's")
        _ = try server.psql("create role refused login")
        let error = #expect(throws: LibPQError.self) { try LibPQConnection(server.connectionString(user: "refused")) }
        #expect(error?.message.contains("pg_hba.conf rejects") == true, "\(String(describing: error))")
    }

    @Test func stopLeavesNoServerBehind() throws {
        let server = try PostgresServer.start()
        let directory = server.dataDirectory
        #expect(try !processes(matching: directory).isEmpty)
        server.stop()
        #expect(try processes(matching: directory).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: directory))
        #expect(server.log.contains("ready to accept connections"), "\(server.log)")
        server.stop()  // idempotent

        // Forgetting stop() is covered by deinit.
        var forgotten: PostgresServer? = try PostgresServer.start()
        let forgottenDirectory = forgotten!.dataDirectory
        forgotten = nil
        #expect(try processes(matching: forgottenDirectory).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: forgottenDirectory))
    }
}

/// The pids `pgrep -f pattern` finds (pgrep leaves itself out).
private func processes(matching pattern: String) throws -> [String] {
    let result = try Subprocess.run(["pgrep", "-f", pattern], timeout: .seconds(10))
    return result.stdout.split(separator: "\n").map(String.init)
}
