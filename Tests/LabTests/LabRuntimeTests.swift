import AWSMocks
import DBMocks
import Foundation
import Lab
import TestSupport
import Testing

/// A running lab: rds_iam as RDS checks it, cancel requests at an endpoint that requires a
/// client certificate, and the faults a scenario injects into endpoints.
@Suite("Lab runtime", .serialized)
struct LabRuntimeTests {
    /// Starts the test lab, runs `body`, and stops the lab whatever happened.
    func withLab(_ body: (RunningLab) async throws -> Void) async throws {
        let lab = try await RunningLab.start()
        do {
            try await body(lab)
        } catch {
            await lab.stop()
            throw error
        }
        await lab.stop()
        if ProcessInfo.processInfo.environment["DBTUNNEL_TEST_LOG"] != nil { print(lab.log.tail(2000).joined(separator: "\n")) }
    }

    static let sslRequest: [UInt8] = [0, 0, 0, 8, 0x04, 0xD2, 0x16, 0x2F]

    // MARK: rds_iam

    @Test func onlyMembersOfRDSIAMSignInAndAGrantTakesEffectAtTheNextSignIn() async throws {
        try await withLab { lab in
            let plain = try lab.endpoint("plain")
            let backend = try lab.backend
            let aliceInfo = try lab.conninfo("plain", user: "alice")
            let alice = try await blocking { try LibPQConnection(aliceInfo) }
            #expect(try await blocking { try alice.query("select current_user") } == [["alice"]])
            #expect(plain.endpoint.statistics.backendSessionsOpened == 1)

            let bobInfo = try lab.conninfo("plain", user: "bob")
            let refused = try await blocking { Result { try LibPQConnection(bobInfo) } }
            let error = #expect(throws: LibPQError.self) { try refused.get() }
            #expect(error?.message.contains("FATAL:  PAM authentication failed for user \"bob\"") == true, "\(String(describing: error))")
            #expect(plain.endpoint.statistics.passwordsReceived == 2)
            #expect(plain.endpoint.statistics.backendSessionsOpened == 1)
            #expect(plain.endpoint.statistics.signInsRefusedWithoutRDSIAM == 1)
            #expect(lab.log.contains("mock endpoint: refused bob: not a member of rds_iam (GRANT rds_iam TO bob)"), "\(lab.log.tail(50))")
            // The endpoint signed bob in at the backend to ask; that session must not linger.
            let closed = try await RunningLab.eventually {
                try backend.psql("select count(*) from pg_stat_activity where usename = 'bob'") == "0"
            }
            #expect(closed, "bob's backend session is still open")

            // What a scenario's shell step does with the lab's exports.
            let environment = lab.environment
            #expect(environment["DBTUNNEL_LAB_BACKEND_PG_URL"] == "postgresql://postgres@127.0.0.1:\(backend.port)/postgres")
            let grant = try await blocking {
                try Subprocess.run(["sh", "-c", "psql -X -q \"$DBTUNNEL_LAB_BACKEND_PG_URL\" -c 'grant rds_iam to bob'"], environment: environment)
            }
            #expect(grant.succeeded, "\(grant)")
            let bob = try await blocking { try LibPQConnection(bobInfo) }
            #expect(try await blocking { try bob.query("select current_user") } == [["bob"]])
            #expect(plain.endpoint.statistics.backendSessionsOpened == 2)
            #expect(plain.endpoint.statistics.signInsRefusedWithoutRDSIAM == 1)
        }
    }

    @Test func theBackendsOwnRefusalReachesTheClient() async throws {
        try await withLab { lab in
            let plain = try lab.endpoint("plain")
            let info = try lab.conninfo("plain", user: "nobody")
            let refused = try await blocking { Result { try LibPQConnection(info) } }
            let error = #expect(throws: LibPQError.self) { try refused.get() }
            #expect(error?.message.contains("FATAL:  role \"nobody\" does not exist") == true, "\(String(describing: error))")
            #expect(plain.endpoint.statistics.backendSessionsOpened == 0)
            #expect(plain.endpoint.statistics.signInsRefusedWithoutRDSIAM == 0)
        }
    }

    // MARK: Cancel and client certificates

    @Test func clientCertificateIsWrittenAndExported() async throws {
        try await withLab { lab in
            let runtime = lab.runtime
            let certificate = try #require(runtime.clientCertificatePath)
            let key = try #require(runtime.clientKeyPath)
            #expect(certificate == runtime.stateDirectory + "/lab-client.pem")
            #expect(key == runtime.stateDirectory + "/lab-client-key.pem")
            let mode = try FileManager.default.attributesOfItem(atPath: key)[.posixPermissions] as? Int
            #expect(mode == 0o600)
            #expect(lab.environment["DBTUNNEL_LAB_CLIENT_CERT"] == certificate)
            #expect(lab.environment["DBTUNNEL_LAB_CLIENT_KEY"] == key)
            #expect(runtime.exportScript.contains("export DBTUNNEL_LAB_CLIENT_KEY='\(key)'"))
            #expect(runtime.exportScript.contains("--cert-file \(certificate) --key-file \(key)"))

            // The certificate is what the mtls endpoint asks for; without it, no sign-in.
            let withCertificate = try lab.conninfo("mtls", user: "alice")
            let connection = try await blocking { try LibPQConnection(withCertificate) }
            #expect(try await blocking { try connection.query("select current_user") } == [["alice"]])
            let withoutCertificate = try lab.conninfo("mtls", user: "alice", clientCertificate: false)
            let refused = try await blocking { Result { try LibPQConnection(withoutCertificate) } }
            #expect(throws: LibPQError.self) { try refused.get() }
        }
    }

    @Test func aDatabaseWithoutABackendIsInTheRDSAPIOnly() async throws {
        try await withLab { lab in
            #expect(lab.runtime.endpoints.map(\.database.identifier) == ["plain", "mtls"])
            #expect(lab.environment["DBTUNNEL_LAB_CATALOG_CONNECT_TO"] == nil)
            let catalog = try #require(lab.runtime.aws.rds.instance("catalog", accountID: "111111111111"))
            #expect(catalog.engine == "mysql")
            #expect(catalog.port == 3306)
        }
    }

    @Test func plainCancelIsRefusedByAnEndpointThatRequiresAClientCertificate() async throws {
        try await withLab { lab in
            let mtls = try lab.endpoint("mtls")
            let backend = try lab.backend
            let info = try lab.conninfo("mtls", user: "alice")
            let connection = try await blocking { try LibPQConnection(info) }
            let pid = connection.backendPID
            try connection.sendQuery("select pg_sleep(30)")
            let running = "select count(*) from pg_stat_activity where pid = \(pid) and state = 'active' and query like '%pg_sleep(30)%'"
            #expect(try await RunningLab.eventually { try backend.psql(running) == "1" })

            // PQcancel sends its CancelRequest without TLS, so without the certificate.
            try await blocking { try connection.cancel() }
            #expect(try await RunningLab.eventually { mtls.endpoint.statistics.cancelRequestsRefused == 1 })
            try await Task.sleep(for: .seconds(2))
            #expect(try await blocking { try backend.psql(running) } == "1", "the query was cancelled")
            #expect(mtls.endpoint.statistics.cancelRequestsForwarded == 0)
            #expect(lab.log.contains("mock endpoint: refused a cancel request without TLS: this endpoint requires a client certificate"))

            // End it from the backend, so the test does not wait out the 30 s.
            _ = try await blocking { try backend.psql("select pg_cancel_backend(\(pid))") }
            let outcome = try await blocking { Result { try connection.waitForResult() } }
            let error = #expect(throws: LibPQError.self) { try outcome.get() }
            #expect(error?.sqlState == "57014")
        }
    }

    @Test func plainCancelStillWorksWhereNoClientCertificateIsRequired() async throws {
        try await withLab { lab in
            let plain = try lab.endpoint("plain")
            let info = try lab.conninfo("plain", user: "alice")
            let connection = try await blocking { try LibPQConnection(info) }
            // Bounds the test if the cancel never arrives; its 57014 says "statement timeout".
            _ = try await blocking { try connection.query("set statement_timeout = '10s'") }
            try connection.sendQuery("select pg_sleep(30)")
            try await Task.sleep(for: .milliseconds(300))
            let started = ContinuousClock.now
            try await blocking { try connection.cancel() }
            let outcome = try await blocking { Result { try connection.waitForResult() } }
            let error = #expect(throws: LibPQError.self) { try outcome.get() }
            #expect(error?.sqlState == "57014")
            #expect(error?.message.contains("user request") == true, "\(String(describing: error))")
            #expect(ContinuousClock.now - started < .seconds(2))
            #expect(plain.endpoint.statistics.cancelRequestsForwarded == 1)
            #expect(plain.endpoint.statistics.cancelRequestsRefused == 0)
        }
    }

    // MARK: Faults

    @Test func refusedEndpointFailsConnectsAtOnceAndRestoreListensOnTheSamePort() async throws {
        try await withLab { lab in
            let plain = try lab.endpoint("plain")
            let info = try lab.conninfo("plain", user: "alice")
            let before = try await blocking { try LibPQConnection(info) }

            try await lab.runtime.cutEndpoint("plain", .refuse)
            let started = ContinuousClock.now
            let outcome = try await blocking { RawSocket.connect(port: plain.port, timeout: .seconds(5)) }
            #expect(outcome == .refused)
            #expect(ContinuousClock.now - started < .seconds(1))
            #expect(plain.endpoint.port == nil)
            // A session signed in before the cut goes on.
            #expect(try await blocking { try before.query("select 1") } == [["1"]])

            try await lab.runtime.restoreEndpoint("plain")
            #expect(plain.endpoint.port == plain.port)
            let after = try await blocking { try LibPQConnection(try lab.conninfo("plain", user: "alice")) }
            #expect(try await blocking { try after.query("select 2") } == [["2"]])
        }
    }

    @Test func droppedEndpointLetsConnectsTimeOutAndRestoreListensOnTheSamePort() async throws {
        try await withLab { lab in
            let plain = try lab.endpoint("plain")
            try await lab.runtime.cutEndpoint("plain", .drop)
            let started = ContinuousClock.now
            let outcome = try await blocking { RawSocket.connect(port: plain.port, timeout: .seconds(1)) }
            #expect(outcome == .timedOut)
            #expect(ContinuousClock.now - started >= .milliseconds(950))

            try await lab.runtime.restoreEndpoint("plain")
            #expect(try await blocking { RawSocket.connect(port: plain.port, timeout: .seconds(1)) } == .connected)
            let info = try lab.conninfo("plain", user: "alice")
            let after = try await blocking { try LibPQConnection(info) }
            #expect(try await blocking { try after.query("select 3") } == [["3"]])
        }
    }

    @Test func delayedEndpointAnswersAfterTheDelayAndRestoreAnswersAtOnce() async throws {
        try await withLab { lab in
            let plain = try lab.endpoint("plain")
            try await lab.runtime.delayEndpoint("plain", by: .seconds(1))
            let slow = try await blocking { try RawSocket.exchange(port: plain.port, send: Self.sslRequest, untilBytes: 1) }
            #expect(slow.bytes == [UInt8(ascii: "S")])
            let slowAfter = try #require(slow.firstByteAfter)
            #expect(slowAfter >= .seconds(1))
            #expect(slowAfter < .seconds(4))
            // A real client signs in, only later.
            let info = try lab.conninfo("plain", user: "alice")
            let started = ContinuousClock.now
            let connection = try await blocking { try LibPQConnection(info) }
            #expect(ContinuousClock.now - started >= .seconds(1))
            #expect(try await blocking { try connection.query("select 4") } == [["4"]])

            try await lab.runtime.restoreEndpoint("plain")
            let quick = try await blocking { try RawSocket.exchange(port: plain.port, send: Self.sslRequest, untilBytes: 1) }
            #expect(quick.bytes == [UInt8(ascii: "S")])
            #expect(try #require(quick.firstByteAfter) < .milliseconds(500))
        }
    }

    @Test func unknownDatabaseIsAnErrorNamingTheLabsDatabases() async throws {
        try await withLab { lab in
            for call in [
                { try await lab.runtime.cutEndpoint("nope", .drop) },
                { try await lab.runtime.delayEndpoint("nope", by: .seconds(1)) },
                { try await lab.runtime.restoreEndpoint("nope") },
            ] as [@Sendable () async throws -> Void] {
                await #expect {
                    try await call()
                } throws: { error in
                    "\(error)" == "lab runtime-test has no database 'nope'; its databases: plain, mtls"
                }
            }
        }
    }
}
