import Logging
import NIOCore
import NIOPosix
import NIOSSL
import NIOTLS
import PostgresWire
import Relay

/// One client of the mock endpoint: SSLRequest → `S` → TLS → StartupMessage →
/// AuthenticationCleartextPassword → PasswordMessage (the token) → verified → signed in at the
/// real backend → member of `rds_iam` → the backend's sign-in messages to the client, and relay.
final class MockPostgresSessionHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum State {
        case awaitingStartup(tls: Bool)
        case awaitingTLSHandshake
        case awaitingPassword(StartupMessage)
        case connectingBackend
        case done
    }

    private let endpoint: MockPostgresEndpoint
    private var state: State = .awaitingStartup(tls: false)
    private var buffer: ByteBuffer?
    /// While the endpoint's answer delay runs: bytes are kept, nothing is answered.
    private var holding = false

    init(endpoint: MockPostgresEndpoint) {
        self.endpoint = endpoint
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let delay = endpoint.answerDelay
        guard delay > .zero else { return }
        holding = true
        context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(delay)) { [self] in
            holding = false
            if context.channel.isActive { processBuffered(context: context) }
        }
    }

    func channelActive(context: ChannelHandlerContext) {
        endpoint.statistics.connectionAccepted()
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        if buffer == nil { buffer = bytes } else { buffer!.writeBuffer(&bytes) }
        guard !holding else { return }
        processBuffered(context: context)
    }

    private func processBuffered(context: ChannelHandlerContext) {
        do {
            try process(context: context)
        } catch {
            endpoint.logger.info("mock endpoint: closing a client that broke the protocol: \(error)")
            buffer = nil
            state = .done
            context.close(promise: nil)
        }
    }

    private func process(context: ChannelHandlerContext) throws {
        while var current = buffer, current.readableBytes > 0 {
            switch state {
            case .awaitingStartup(let tls):
                guard let packet = try StartupPacket.decode(from: &current) else { return }
                buffer = current
                try startupPacket(packet, tls: tls, context: context)
            case .awaitingPassword(let startup):
                guard let message = try FrontendMessage.decode(from: &current) else { return }
                buffer = current
                guard case .password(let token) = message else {
                    throw PostgresWireError("expected a PasswordMessage, got \(message)")
                }
                passwordReceived(token, startup: startup, context: context)
            case .awaitingTLSHandshake:
                // Bytes after our `S` before the handshake: the client is not doing TLS.
                throw PostgresWireError("bytes before the TLS handshake")
            case .connectingBackend, .done:
                return
            }
        }
    }

    private func startupPacket(_ packet: StartupPacket, tls: Bool, context: ChannelHandlerContext) throws {
        switch packet {
        case .sslRequest where !tls:
            write([UInt8(ascii: "S")], context: context)
            state = .awaitingTLSHandshake
            let handler = NIOSSLServerHandler(context: endpoint.tls)
            try context.pipeline.syncOperations.addHandler(handler, position: .before(self))
        case .gssEncRequest:
            write([UInt8(ascii: "N")], context: context)
        case .sslRequest:
            throw PostgresWireError("SSLRequest inside TLS")
        case .cancel where !tls && endpoint.configuration.clientCAPEM != nil:
            // Whoever may cancel must first show the certificate a sign-in needs; a plain
            // CancelRequest (libpq's PQcancel, psql's Ctrl+C) shows none.
            endpoint.statistics.cancelRequestRefused()
            endpoint.logger.info("mock endpoint: refused a cancel request without TLS: this endpoint requires a client certificate")
            state = .done
            buffer = nil
            context.close(promise: nil)
        case .cancel(let key):
            // The client holds the backend's own keys (passed through at sign-in).
            forwardCancel(key, context: context)
        case .startup(let startup):
            guard tls else {
                // RDS with rds.force_ssl = 1.
                reject(
                    .fatal(sqlState: "28000", message: "no pg_hba.conf entry for host \"127.0.0.1\", user \"\(startup.user ?? "")\", database \"\(startup.database ?? "")\", no encryption"),
                    context: context
                )
                return
            }
            state = .awaitingPassword(startup)
            var out = context.channel.allocator.buffer(capacity: 9)
            BackendMessage.authentication(.cleartextPassword).encode(into: &out)
            context.writeAndFlush(wrapOutboundOut(out), promise: nil)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? TLSUserEvent, case .handshakeCompleted = event, case .awaitingTLSHandshake = state {
            state = .awaitingStartup(tls: true)
            endpoint.statistics.tlsHandshakeCompleted()
            if buffer?.readableBytes ?? 0 > 0 { try? process(context: context) }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        endpoint.logger.debug("mock endpoint: client error: \(error)")
        context.close(promise: nil)
    }

    private func passwordReceived(_ token: String, startup: StartupMessage, context: ChannelHandlerContext) {
        endpoint.statistics.passwordReceived()
        let user = startup.user ?? ""
        let configuration = endpoint.configuration
        // RDS answers every refused token the same way; the reason goes to the log only.
        let pam = PostgresErrorFields.fatal(sqlState: "28P01", message: "PAM authentication failed for user \"\(user)\"")
        guard endpoint.iamEnabled() else {
            endpoint.logger.info("mock endpoint: refused \(user): IAM database authentication is disabled on \(configuration.hostname)")
            reject(pam, context: context)
            return
        }
        let expectation = RDSTokenVerifier.Expectation(
            hostname: configuration.hostname, port: configuration.advertisedPort, region: configuration.region, user: user
        )
        switch endpoint.verifier.verify(token, expecting: expectation) {
        case .failure(let rejection):
            endpoint.logger.info("mock endpoint: refused token for \(user): \(rejection)")
            reject(pam, context: context)
        case .success(let verified):
            guard endpoint.authorize(verified) else {
                endpoint.logger.info("mock endpoint: \(verified.principalARN) is not allowed rds-db:connect as \(user)")
                reject(pam, context: context)
                return
            }
            endpoint.logger.debug("mock endpoint: \(verified.principalARN) signed in as \(user)")
            connectBackend(startup, context: context)
        }
    }

    private func connectBackend(_ startup: StartupMessage, context: ChannelHandlerContext) {
        state = .connectingBackend
        let configuration = endpoint.configuration
        ClientBootstrap(group: context.eventLoop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(.seconds(5))
            .connect(host: configuration.backendHost, port: configuration.backendPort)
            .assumeIsolated()
            .whenComplete { [self] result in
                switch result {
                case .failure(let error):
                    endpoint.logger.warning("mock endpoint: backend \(configuration.backendHost):\(configuration.backendPort) unreachable: \(error)")
                    reject(.fatal(sqlState: "57P03", message: "the database system is not accepting connections"), context: context)
                case .success(let backend):
                    guard context.channel.isActive else {
                        backend.close(promise: nil)
                        return
                    }
                    // The backend trusts us. What it answers is held until the user proved to
                    // be a member of rds_iam.
                    let promise = backend.eventLoop.makePromise(of: BackendSignInHandler.Outcome.self)
                    do {
                        try backend.pipeline.syncOperations.addHandler(BackendSignInHandler(startup: startup, promise: promise))
                    } catch {
                        backend.close(promise: nil)
                        context.close(promise: nil)
                        return
                    }
                    promise.futureResult.assumeIsolated().whenSuccess { [self] outcome in
                        backendSignedIn(outcome, user: startup.user ?? "", backend: backend, context: context)
                    }
                }
            }
    }

    private func backendSignedIn(_ outcome: BackendSignInHandler.Outcome, user: String, backend: any Channel, context: ChannelHandlerContext) {
        guard context.channel.isActive else {
            terminate(backend)
            return
        }
        switch outcome {
        case .member(let signIn):
            relay(to: backend, signIn: signIn, context: context)
        case .notMember:
            endpoint.statistics.signInRefusedWithoutRDSIAM()
            endpoint.logger.info("mock endpoint: refused \(user): not a member of rds_iam (GRANT rds_iam TO \(user))")
            terminate(backend)
            reject(.fatal(sqlState: "28P01", message: "PAM authentication failed for user \"\(user)\""), context: context)
        case .backendRefused(let errorResponse, let fields):
            endpoint.logger.info("mock endpoint: the backend refused \(user): \(fields.message ?? "no message")")
            backend.close(promise: nil)
            state = .done
            context.writeAndFlush(wrapOutboundOut(errorResponse)).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        case .failed(let reason):
            endpoint.logger.warning("mock endpoint: signing \(user) in at the backend failed: \(reason)")
            terminate(backend)
            reject(.fatal(sqlState: "XX000", message: "mock endpoint: \(reason)"), context: context)
        }
    }

    /// The backend's sign-in messages to the client, then the relay both ways.
    private func relay(to backend: any Channel, signIn: ByteBuffer, context: ChannelHandlerContext) {
        let (clientSide, backendSide) = GlueHandler.matchedPair()
        do {
            try context.pipeline.syncOperations.addHandler(clientSide, position: .after(self))
            try backend.pipeline.syncOperations.addHandler(backendSide)
        } catch {
            backend.close(promise: nil)
            context.close(promise: nil)
            return
        }
        endpoint.statistics.backendSessionOpened()
        context.writeAndFlush(wrapOutboundOut(signIn), promise: nil)
        if let pending = buffer, pending.readableBytes > 0 { backend.writeAndFlush(pending, promise: nil) }
        buffer = nil
        state = .done
        context.pipeline.syncOperations.removeHandler(self, promise: nil)
    }

    /// Terminate, then close: the backend ends the session cleanly instead of logging an
    /// unexpected EOF.
    private func terminate(_ backend: any Channel) {
        guard backend.isActive else {
            backend.close(promise: nil)
            return
        }
        var out = backend.allocator.buffer(capacity: 5)
        FrontendMessage.terminate.encode(into: &out)
        backend.writeAndFlush(out).whenComplete { _ in backend.close(promise: nil) }
    }

    private func forwardCancel(_ key: CancelRequest, context: ChannelHandlerContext) {
        state = .done
        let configuration = endpoint.configuration
        ClientBootstrap(group: context.eventLoop)
            .connectTimeout(.seconds(5))
            .connect(host: configuration.backendHost, port: configuration.backendPort)
            .whenSuccess { [statistics = endpoint.statistics] backend in
                var out = backend.allocator.buffer(capacity: 16)
                StartupPacket.cancel(key).encode(into: &out)
                statistics.cancelRequestForwarded()
                backend.writeAndFlush(out).whenComplete { _ in backend.close(promise: nil) }
            }
        context.close(promise: nil)
    }

    private func reject(_ fields: PostgresErrorFields, context: ChannelHandlerContext) {
        state = .done
        var out = context.channel.allocator.buffer(capacity: 128)
        BackendMessage.errorResponse(fields).encode(into: &out)
        context.writeAndFlush(wrapOutboundOut(out)).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
    }

    private func write(_ bytes: [UInt8], context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: bytes)), promise: nil)
    }
}
