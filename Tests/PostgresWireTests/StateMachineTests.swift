import NIOCore
import Testing
@testable import PostgresWire

@Suite("Server-side handshake (facing the local client)")
struct ServerHandshakeStateMachineTests {
    static func startup(_ parameters: [(String, String)]) -> StartupPacket {
        .startup(StartupMessage(parameters: parameters.map { (name: $0.0, value: $0.1) }))
    }

    @Test func refusesSSLAndGSSThenConnectsUpstreamWithEveryParameter() {
        var machine = ServerHandshakeStateMachine(policy: .init())
        #expect(machine.startupPacketReceived(.gssEncRequest) == .refuseEncryption)
        #expect(machine.startupPacketReceived(.sslRequest) == .refuseEncryption)
        let action = machine.startupPacketReceived(Self.startup([("user", "alice"), ("database", "app"), ("application_name", "psql")]))
        #expect(action == .connectUpstream(StartupMessage(parameters: [("user", "alice"), ("database", "app"), ("application_name", "psql")])))
    }

    @Test func repeatedSSLRequestCloses() {
        var machine = ServerHandshakeStateMachine(policy: .init())
        _ = machine.startupPacketReceived(.sslRequest)
        guard case .close = machine.startupPacketReceived(.sslRequest) else { Issue.record("expected close"); return }
    }

    @Test func dbUserFillsAMissingUserAndRejectsAnother() {
        var machine = ServerHandshakeStateMachine(policy: .init(user: "iam_user"))
        #expect(machine.startupPacketReceived(Self.startup([("database", "app")]))
            == .connectUpstream(StartupMessage(parameters: [("database", "app"), ("user", "iam_user")])))
        var other = ServerHandshakeStateMachine(policy: .init(user: "iam_user"))
        guard case .rejectAndClose(let error) = other.startupPacketReceived(Self.startup([("user", "mallory")])) else {
            Issue.record("expected a rejection"); return
        }
        #expect(error.sqlState == "28000")
        #expect(error.message?.contains("signs in as \"iam_user\"") == true)
        #expect(error.message?.contains("\"mallory\"") == true)
    }

    @Test func dbNameReplacesLibpqsDefaultDatabaseAndRejectsAnother() {
        var machine = ServerHandshakeStateMachine(policy: .init(database: "orders"))
        // libpq defaults the database to the user name: that counts as "omitted".
        #expect(machine.startupPacketReceived(Self.startup([("user", "alice"), ("database", "alice")]))
            == .connectUpstream(StartupMessage(parameters: [("user", "alice"), ("database", "orders")])))
        var other = ServerHandshakeStateMachine(policy: .init(database: "orders"))
        guard case .rejectAndClose(let error) = other.startupPacketReceived(Self.startup([("user", "alice"), ("database", "billing")])) else {
            Issue.record("expected a rejection"); return
        }
        #expect(error.sqlState == "3D000")
    }

    @Test func noUserAnywhereIsRejected() {
        var machine = ServerHandshakeStateMachine(policy: .init())
        guard case .rejectAndClose(let error) = machine.startupPacketReceived(Self.startup([("database", "x")])) else {
            Issue.record("expected a rejection"); return
        }
        #expect(error.message?.contains("--db-user") == true)
    }

    @Test func cancelRequestIsForwarded() {
        var machine = ServerHandshakeStateMachine(policy: .init())
        let key = CancelRequest(processID: 9, secretKey: 10)
        #expect(machine.startupPacketReceived(.cancel(key)) == .forwardCancel(key))
    }

    @Test func upstreamSuccessCompletesTheClientsSignInWithLocalKeys() {
        var machine = ServerHandshakeStateMachine(policy: .init())
        _ = machine.startupPacketReceived(Self.startup([("user", "alice")]))
        let local = CancelRequest(processID: 77, secretKey: 88)
        let action = machine.upstreamAuthenticated(
            parameters: [("server_version", "15.18"), ("client_encoding", "UTF8")], localKey: local, transactionStatus: UInt8(ascii: "I")
        )
        #expect(action == .completeHandshake([
            .authentication(.ok), .parameterStatus(name: "server_version", value: "15.18"),
            .parameterStatus(name: "client_encoding", value: "UTF8"), .backendKeyData(local),
            .readyForQuery(transactionStatus: UInt8(ascii: "I")),
        ]))
    }

    @Test func upstreamErrorReachesTheClientUnchanged() {
        var machine = ServerHandshakeStateMachine(policy: .init())
        _ = machine.startupPacketReceived(Self.startup([("user", "alice")]))
        let pam = PostgresErrorFields.fatal(sqlState: "28P01", message: "PAM authentication failed for user \"alice\"")
        #expect(machine.upstreamFailed(pam) == .rejectAndClose(pam))
    }

    @Test func startupAfterStartupCloses() {
        var machine = ServerHandshakeStateMachine(policy: .init())
        _ = machine.startupPacketReceived(Self.startup([("user", "alice")]))
        guard case .close = machine.startupPacketReceived(.sslRequest) else { Issue.record("expected close"); return }
    }
}

@Suite("Client-side handshake (facing the database)")
struct ClientHandshakeStateMachineTests {
    static let startup = StartupMessage(parameters: [("user", "alice"), ("database", "app")])

    func machineAfterTLS() -> ClientHandshakeStateMachine {
        var machine = ClientHandshakeStateMachine(startup: Self.startup)
        _ = machine.connected()
        _ = machine.sslResponseReceived(UInt8(ascii: "S"), bytesAfter: 0)
        _ = machine.tlsEstablished()
        return machine
    }

    @Test func fullSignInWithCleartextPassword() {
        var machine = ClientHandshakeStateMachine(startup: Self.startup)
        #expect(machine.connected() == .sendSSLRequest)
        #expect(machine.expectsSSLResponse)
        #expect(machine.sslResponseReceived(UInt8(ascii: "S"), bytesAfter: 0) == .startTLS)
        #expect(!machine.expectsSSLResponse)
        #expect(machine.tlsEstablished() == .sendStartup(Self.startup))
        #expect(machine.messageReceived(.authentication(.cleartextPassword)) == .sendPassword)
        #expect(machine.messageReceived(.authentication(.ok)) == .wait)
        #expect(machine.messageReceived(.parameterStatus(name: "server_version", value: "15")) == .wait)
        #expect(machine.messageReceived(.backendKeyData(CancelRequest(processID: 1, secretKey: 2))) == .wait)
        #expect(machine.messageReceived(.readyForQuery(transactionStatus: UInt8(ascii: "I"))) == .authenticated(
            parameters: [.init(name: "server_version", value: "15")], backendKey: CancelRequest(processID: 1, secretKey: 2),
            transactionStatus: UInt8(ascii: "I")
        ))
    }

    @Test func trustWithoutPasswordRequestIsFine() {
        var machine = machineAfterTLS()
        #expect(machine.messageReceived(.authentication(.ok)) == .wait)
        #expect(machine.messageReceived(.readyForQuery(transactionStatus: UInt8(ascii: "I")))
            == .authenticated(parameters: [], backendKey: nil, transactionStatus: UInt8(ascii: "I")))
    }

    @Test func tlsRefusedAndBytesBeforeTLSFail() {
        var refused = ClientHandshakeStateMachine(startup: Self.startup)
        _ = refused.connected()
        #expect(refused.sslResponseReceived(UInt8(ascii: "N"), bytesAfter: 0) == .fail(.tlsRefused))
        var injected = ClientHandshakeStateMachine(startup: Self.startup)
        _ = injected.connected()
        #expect(injected.sslResponseReceived(UInt8(ascii: "S"), bytesAfter: 5) == .fail(.bytesBeforeTLS(5)))
    }

    @Test(arguments: [
        BackendMessage.Authentication.md5Password(salt: 1), .sasl(mechanisms: ["SCRAM-SHA-256"]), .other(code: 7),
    ])
    func nonCleartextAuthenticationFails(_ request: BackendMessage.Authentication) {
        var machine = machineAfterTLS()
        guard case .fail(.unsupportedAuthentication) = machine.messageReceived(.authentication(request)) else {
            Issue.record("expected unsupportedAuthentication"); return
        }
    }

    @Test func serverErrorAfterPasswordIsPassedOn() {
        var machine = machineAfterTLS()
        _ = machine.messageReceived(.authentication(.cleartextPassword))
        let pam = PostgresErrorFields.fatal(sqlState: "28P01", message: "PAM authentication failed for user \"alice\"")
        #expect(machine.messageReceived(.errorResponse(pam)) == .fail(.server(pam)))
    }

    @Test func unexpectedMessageIsAProtocolViolation() {
        var machine = machineAfterTLS()
        guard case .fail(.protocolViolation) = machine.messageReceived(.readyForQuery(transactionStatus: 0)) else {
            Issue.record("expected protocolViolation"); return
        }
    }
}
