import AWSAuth
import Logging
import NIOCore
import PostgresWire
import Relay

/// One local client connection, from its first byte until it is glued to its upstream.
/// Translates only: bytes → `ServerHandshakeStateMachine` → actions, run in `run`.
final class PostgresSessionHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Bytes a client may send between its StartupMessage and our ReadyForQuery (pipelined
    /// queries); more is not a PostgreSQL client.
    static let maxPendingBytes = 1 << 20

    private var machine: ServerHandshakeStateMachine
    private let core: TunnelCore
    private var logger: Logger
    private var buffer: ByteBuffer?
    private var startupDone = false
    private var clientGone = false

    init(core: TunnelCore, connectionID: Int) {
        self.core = core
        machine = ServerHandshakeStateMachine(policy: .init(user: core.configuration.dbUser, database: core.configuration.dbName))
        logger = core.logger
        logger[metadataKey: "tunnel.conn_id"] = "\(connectionID)"
    }

    func channelActive(context: ChannelHandlerContext) {
        logger.debug("client connected", metadata: ["tunnel.client": "\(context.remoteAddress.map { "\($0)" } ?? "?")"])
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        if buffer == nil { buffer = bytes } else { buffer!.writeBuffer(&bytes) }
        if startupDone {
            if buffer!.readableBytes > Self.maxPendingBytes {
                run(machine.protocolViolation(PostgresWireError("client sent over \(Self.maxPendingBytes) bytes before sign-in finished")), context: context)
            }
            return
        }
        while !startupDone, var current = buffer {
            let packet: StartupPacket?
            do {
                packet = try StartupPacket.decode(from: &current)
            } catch {
                buffer = nil
                run(machine.protocolViolation(error), context: context)
                return
            }
            buffer = current
            guard let packet else { return }
            if case .startup = packet { startupDone = true }
            run(machine.startupPacketReceived(packet), context: context)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // Half-closure is allowed so the relay can pass it on; before that, a client that stops
        // sending is gone.
        if let event = event as? ChannelEvent, case .inputClosed = event {
            logger.debug("client closed its side before signing in")
            context.close(promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        clientGone = true
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        logger.debug("client connection error", metadata: ["tunnel.error": "\(error)"])
        context.close(promise: nil)
    }

    private func run(_ action: ServerHandshakeStateMachine.Action, context: ChannelHandlerContext) {
        switch action {
        case .refuseEncryption:
            var out = context.channel.allocator.buffer(capacity: 1)
            out.writeInteger(UInt8(ascii: "N"))
            context.writeAndFlush(wrapOutboundOut(out), promise: nil)
        case .connectUpstream(let startup):
            signIn(startup, context: context)
        case .forwardCancel(let local):
            forwardCancel(local, context: context)
        case .completeHandshake(let messages):
            var out = context.channel.allocator.buffer(capacity: 512)
            for message in messages { message.encode(into: &out) }
            context.writeAndFlush(wrapOutboundOut(out), promise: nil)
        case .rejectAndClose(let fields):
            var out = context.channel.allocator.buffer(capacity: 256)
            BackendMessage.errorResponse(fields).encode(into: &out)
            context.writeAndFlush(wrapOutboundOut(out)).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        case .close(let reason):
            logger.info("closing client connection: \(reason)")
            context.close(promise: nil)
        }
    }

    private func signIn(_ startup: StartupMessage, context: ChannelHandlerContext) {
        let user = startup.user ?? ""
        logger[metadataKey: "tunnel.db_user"] = "\(user)"
        let eventLoop = context.eventLoop
        let credentials = eventLoop.makePromise(of: UpstreamSignIn.self)
        let source = core.credentials
        credentials.completeWithTask { try await source.signIn(user: user) }
        let logger = self.logger, connector = core.connector
        credentials.futureResult
            .flatMapErrorThrowing { error in
                throw UpstreamError(.credentials, "dbtunnel: cannot sign the IAM token: \(error)")
            }
            .flatMap { signIn -> EventLoopFuture<(any Channel, UpstreamHandshakeHandler.Result)> in
                var upstreamStartup = startup
                upstreamStartup["user"] = signIn.user
                return connector.open(on: eventLoop, purpose: .signIn(upstreamStartup, password: signIn.password), logger: logger)
            }
            .assumeIsolated()
            .whenComplete { [self] result in
                switch result {
                case .success(let (upstream, handshake)):
                    glue(upstream: upstream, handshake: handshake, context: context)
                case .failure(let error):
                    let error = error as? UpstreamError ?? UpstreamError(.protocolViolation, "dbtunnel: \(error)")
                    logFailure(error, user: user)
                    run(machine.upstreamFailed(error.errorResponse), context: context)
                }
            }
    }

    private func glue(upstream: any Channel, handshake: UpstreamHandshakeHandler.Result, context: ChannelHandlerContext) {
        guard !clientGone, context.channel.isActive else {
            upstream.close(promise: nil)
            return
        }
        let localKey: CancelRequest
        if let upstreamKey = handshake.backendKey {
            localKey = core.cancelRegistry.register(upstream: upstreamKey)
            let registry = core.cancelRegistry
            context.channel.closeFuture.whenComplete { _ in registry.unregister(localKey) }
        } else {
            localKey = CancelRequest(processID: Int32.random(in: 1...Int32.max), secretKey: Int32.random(in: .min ... .max))
        }
        run(machine.upstreamAuthenticated(
            parameters: handshake.parameters.map { ($0.name, $0.value) }, localKey: localKey,
            transactionStatus: handshake.transactionStatus
        ), context: context)
        if let leftover = handshake.leftover {
            context.writeAndFlush(wrapOutboundOut(leftover), promise: nil)
        }
        let (clientSide, upstreamSide) = GlueHandler.matchedPair()
        do {
            try context.pipeline.syncOperations.addHandler(clientSide, position: .after(self))
            try upstream.pipeline.syncOperations.addHandler(upstreamSide)
        } catch {
            logger.error("cannot start relaying: \(error)")
            upstream.close(promise: nil)
            context.close(promise: nil)
            return
        }
        if let pending = buffer, pending.readableBytes > 0 {
            upstream.writeAndFlush(pending, promise: nil)
        }
        buffer = nil
        logger.debug("relaying")
        context.pipeline.syncOperations.removeHandler(self, promise: nil)
    }

    private func forwardCancel(_ local: CancelRequest, context: ChannelHandlerContext) {
        defer { context.close(promise: nil) }
        guard let upstreamKey = core.cancelRegistry.upstreamKey(for: local) else {
            // As PostgreSQL does: an unknown key gets no answer and no effect.
            logger.debug("cancel request with unknown keys dropped")
            return
        }
        logger.info("forwarding query cancel upstream")
        let logger = self.logger
        core.connector.open(on: context.eventLoop, purpose: .cancel(upstreamKey), logger: logger).whenComplete { result in
            switch result {
            case .success(let (channel, _)):
                channel.close(promise: nil)
            case .failure(let error):
                logger.warning("query cancel could not reach the database: \(error)")
            }
        }
    }

    private func logFailure(_ error: UpstreamError, user: String) {
        logger.warning("upstream sign-in failed: \(error.message)")
        guard error.code == .server, let state = error.serverError?.sqlState, state.hasPrefix("28") else { return }
        let target = core.configuration.target
        logger.warning(
            """
            hint: the database refused the IAM token for user "\(user)". Check that IAM database authentication \
            is enabled on the instance or cluster, that the user exists with `GRANT rds_iam TO \(user);`, and that \
            the caller's policy allows rds-db:connect on \
            arn:aws:rds-db:\(target.region):<account-id>:dbuser:<DbiResourceId or cluster/proxy resource id>/\(user)
            """
        )
    }
}
