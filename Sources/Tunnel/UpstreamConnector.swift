import AWSAuth
import Logging
import NIOCore
import NIOPosix
import PostgresWire

/// Opens upstream connections: TCP (to `--connect-to`'s address if given) with a connect
/// timeout, then `UpstreamHandshakeHandler` for TLS and the sign-in or a cancel.
struct UpstreamConnector: Sendable {
    let configuration: TunnelConfiguration
    let tls: UpstreamTLS

    /// Resolves to the signed-in channel (the handshake handler already removed) and what the
    /// server said while signing in. The channel runs on `eventLoop`, the client's, so relaying
    /// never crosses threads.
    func open(
        on eventLoop: any EventLoop, purpose: UpstreamHandshakeHandler.Purpose, logger: Logger
    ) -> EventLoopFuture<(any Channel, UpstreamHandshakeHandler.Result)> {
        let handshake = eventLoop.makePromise(of: UpstreamHandshakeHandler.Result.self)
        let configuration = self.configuration, tls = self.tls
        let connect = ClientBootstrap(group: eventLoop)
            .connectTimeout(configuration.connectTimeout)
            .channelOption(.allowRemoteHalfClosure, value: true)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(UpstreamHandshakeHandler(
                        purpose: purpose, tls: tls, timeout: configuration.signInTimeout, promise: handshake, logger: logger
                    ))
                }
            }
            .connect(host: configuration.dialHost, port: configuration.dialPort)
        connect.whenFailure { error in handshake.fail(error) }
        return connect
            .flatMapErrorThrowing { error in throw UpstreamError(connectError: error, configuration: configuration) }
            .flatMap { channel in handshake.futureResult.map { (channel, $0) } }
    }
}

extension UpstreamError {
    init(connectError error: any Error, configuration: TunnelConfiguration) {
        let host = configuration.target.host, port = configuration.target.port
        let seconds = configuration.connectTimeout.nanoseconds / 1_000_000_000
        let check = "check the security group, routing or VPN; test with: nc -zv \(configuration.dialHost) \(configuration.dialPort)"
        switch error {
        case ChannelError.connectTimeout:
            self.init(.connectTimeout, "dbtunnel: timed out after \(seconds) s connecting to \(configuration.upstreamDescription); the endpoint did not answer (packets dropped?); \(check)")
        case let error as NIOConnectionError where error.dnsAError != nil && error.connectionErrors.isEmpty:
            self.init(.connectFailed, "dbtunnel: cannot resolve \(configuration.dialHost): \(error.dnsAError!)")
        case let error as NIOConnectionError:
            let reason = error.connectionErrors.first.map { "\($0.error)" } ?? "\(error)"
            if reason.contains("onnection refused") || reason.contains("ECONNREFUSED") {
                self.init(.connectFailed, "dbtunnel: connection refused by \(configuration.upstreamDescription); nothing listens on port \(port) of \(host); \(check)")
            } else {
                self.init(.connectFailed, "dbtunnel: cannot connect to \(configuration.upstreamDescription): \(reason); \(check)")
            }
        default:
            let text = "\(error)"
            if text.contains("onnection refused") {
                self.init(.connectFailed, "dbtunnel: connection refused by \(configuration.upstreamDescription); nothing listens on port \(port) of \(host); \(check)")
            } else {
                self.init(.connectFailed, "dbtunnel: cannot connect to \(configuration.upstreamDescription): \(text); \(check)")
            }
        }
    }
}
