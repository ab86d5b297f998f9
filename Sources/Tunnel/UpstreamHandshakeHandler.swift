import Logging
import NIOCore
import NIOSSL
import NIOTLS
import PostgresWire
import X509

/// Drives `ClientHandshakeStateMachine` on an upstream channel: SSLRequest, TLS (with our
/// certificate verification), then either a sign-in (StartupMessage, the token as a cleartext
/// password, up to ReadyForQuery) or a CancelRequest. Removed from the pipeline once done.
final class UpstreamHandshakeHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    enum Purpose {
        case signIn(StartupMessage, password: String)
        case cancel(CancelRequest)
    }

    struct Result {
        let parameters: [ClientHandshakeStateMachine.ParameterStatus]
        let backendKey: CancelRequest?
        let transactionStatus: UInt8
        /// Bytes the server sent after ReadyForQuery, for the client.
        let leftover: ByteBuffer?
    }

    private var machine: ClientHandshakeStateMachine
    private let purpose: Purpose
    private let tls: UpstreamTLS
    private let promise: EventLoopPromise<Result>
    private let timeout: TimeAmount
    private let logger: Logger
    private var buffer: ByteBuffer?
    private var certificateFailure: String?
    private var timeoutTask: Scheduled<Void>?
    private var finished = false

    init(purpose: Purpose, tls: UpstreamTLS, timeout: TimeAmount, promise: EventLoopPromise<Result>, logger: Logger) {
        self.purpose = purpose
        switch purpose {
        case .signIn(let startup, _): machine = ClientHandshakeStateMachine(startup: startup)
        case .cancel: machine = ClientHandshakeStateMachine(startup: StartupMessage(parameters: []))
        }
        self.tls = tls
        self.timeout = timeout
        self.promise = promise
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let seconds = timeout.nanoseconds / 1_000_000_000
        timeoutTask = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [self] in
            fail(context: context, UpstreamError(.signInTimeout, "dbtunnel: the database at \(tls.serverName) did not complete TLS and sign-in within \(seconds) s"))
        }
        if context.channel.isActive { run(machine.connected(), context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        run(machine.connected(), context: context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        if buffer == nil { buffer = bytes } else { buffer!.writeBuffer(&bytes) }
        process(context: context)
    }

    private func process(context: ChannelHandlerContext) {
        while !finished, var current = buffer, current.readableBytes > 0 {
            if machine.expectsSSLResponse {
                let byte = current.readInteger(as: UInt8.self)!
                buffer = current
                run(machine.sslResponseReceived(byte, bytesAfter: current.readableBytes), context: context)
                continue
            }
            let message: BackendMessage?
            do {
                message = try BackendMessage.decode(from: &current)
            } catch {
                buffer = current
                fail(context: context, UpstreamError(.protocolViolation, "dbtunnel: the database sent an invalid message during sign-in: \(error)"))
                return
            }
            buffer = current
            guard let message else { return }
            run(machine.messageReceived(message), context: context)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? TLSUserEvent, case .handshakeCompleted = event {
            switch purpose {
            case .signIn:
                run(machine.tlsEstablished(), context: context)
            case .cancel(let key):
                // PostgreSQL reads the CancelRequest inside TLS like a startup packet, and closes.
                var out = context.channel.allocator.buffer(capacity: 16)
                StartupPacket.cancel(key).encode(into: &out)
                context.writeAndFlush(wrapOutboundOut(out), promise: nil)
                succeed(context: context, Result(parameters: [], backendKey: nil, transactionStatus: 0, leftover: nil))
            }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let certificateFailure {
            fail(context: context, UpstreamError(.certificate, certificateFailure))
        } else {
            fail(context: context, UpstreamError(.tls, "dbtunnel: TLS with \(tls.serverName) failed: \(error)"))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let certificateFailure {
            fail(context: context, UpstreamError(.certificate, certificateFailure))
        } else {
            fail(context: context, UpstreamError(.protocolViolation, "dbtunnel: the database at \(tls.serverName) closed the connection during sign-in"))
        }
        context.fireChannelInactive()
    }

    private func run(_ action: ClientHandshakeStateMachine.Action, context: ChannelHandlerContext) {
        switch action {
        case .sendSSLRequest:
            var out = context.channel.allocator.buffer(capacity: 8)
            StartupPacket.sslRequest.encode(into: &out)
            context.writeAndFlush(wrapOutboundOut(out), promise: nil)
        case .startTLS:
            do {
                let handler = try tls.makeHandler { [self] failure in certificateFailure = failure }
                try context.pipeline.syncOperations.addHandler(handler, position: .before(self))
            } catch {
                fail(context: context, UpstreamError(.tls, "dbtunnel: could not set up TLS: \(error)"))
            }
        case .sendStartup(let startup):
            var out = context.channel.allocator.buffer(capacity: 256)
            StartupPacket.startup(startup).encode(into: &out)
            context.writeAndFlush(wrapOutboundOut(out), promise: nil)
        case .sendPassword:
            guard case .signIn(_, let password) = purpose else { return }
            var out = context.channel.allocator.buffer(capacity: password.utf8.count + 6)
            FrontendMessage.password(password).encode(into: &out)
            context.writeAndFlush(wrapOutboundOut(out), promise: nil)
        case .wait:
            break
        case .authenticated(let parameters, let key, let status):
            let leftover = buffer.flatMap { $0.readableBytes > 0 ? $0 : nil }
            buffer = nil
            succeed(context: context, Result(parameters: parameters, backendKey: key, transactionStatus: status, leftover: leftover))
        case .fail(let failure):
            fail(context: context, UpstreamError(failure, serverName: tls.serverName))
        }
    }

    private func succeed(context: ChannelHandlerContext, _ result: Result) {
        guard !finished else { return }
        finished = true
        timeoutTask?.cancel()
        context.pipeline.syncOperations.removeHandler(self, promise: nil)
        promise.succeed(result)
    }

    private func fail(context: ChannelHandlerContext, _ error: UpstreamError) {
        guard !finished else { return }
        finished = true
        timeoutTask?.cancel()
        promise.fail(error)
        context.close(promise: nil)
    }
}

extension UpstreamError {
    init(_ failure: UpstreamHandshakeFailure, serverName: String) {
        switch failure {
        case .tlsRefused:
            self.init(.tlsRefused, "dbtunnel: the database at \(serverName) refused TLS (answered SSLRequest with N); IAM authentication requires TLS")
        case .bytesBeforeTLS(let count):
            self.init(.protocolViolation, "dbtunnel: the database at \(serverName) sent \(count) unexpected bytes before the TLS handshake; refusing the connection")
        case .unsupportedAuthentication(let method):
            self.init(.authenticationMethod, "dbtunnel: the database asked for \(method) authentication, but IAM authentication signs in with a cleartext token over TLS; enable IAM database authentication on the instance and GRANT rds_iam to the user")
        case .server(let fields):
            self.init(.server, fields.message ?? "the database refused the sign-in", serverError: fields)
        case .protocolViolation(let what):
            self.init(.protocolViolation, "dbtunnel: \(what)")
        }
    }
}
