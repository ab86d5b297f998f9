import AWSAuth
import Logging
import NIOCore
import NIOPosix
import Synchronization

/// What every session of one tunnel shares.
struct TunnelCore: Sendable {
    let configuration: TunnelConfiguration
    let credentials: any UpstreamCredentialSource
    let connector: UpstreamConnector
    let cancelRegistry: CancelRegistry
    let logger: Logger
}

/// `dbtunnel proxy db --protocol postgres`: a listener on 127.0.0.1 whose every connection
/// gets its own upstream connection over verified TLS, signed in with a fresh IAM token.
public final class PostgresTunnel: Sendable {
    private let core: TunnelCore
    private let group: any EventLoopGroup
    private let serverChannel = Mutex<(any Channel)?>(nil)
    private let connectionCounter = Atomic<Int>(0)

    public init(
        configuration: TunnelConfiguration, credentials: any UpstreamCredentialSource,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, logger: Logger
    ) throws {
        let tls = try UpstreamTLS(configuration.tls, targetHost: configuration.target.host)
        core = TunnelCore(
            configuration: configuration, credentials: credentials,
            connector: UpstreamConnector(configuration: configuration, tls: tls),
            cancelRegistry: CancelRegistry(), logger: logger
        )
        self.group = group
    }

    /// Binds the listener; returns the address it listens on.
    @discardableResult
    public func start() async throws -> SocketAddress {
        let core = self.core
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { [self] channel in
                let id = connectionCounter.wrappingAdd(1, ordering: .relaxed).newValue
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(PostgresSessionHandler(core: core, connectionID: id))
                }
            }
            .bind(host: core.configuration.listenHost, port: core.configuration.listenPort)
            .get()
        serverChannel.withLock { $0 = channel }
        return channel.localAddress!
    }

    public var localAddress: SocketAddress? {
        serverChannel.withLock { $0?.localAddress }
    }

    /// Sessions with a registered cancel key (that is, signed in and not yet closed).
    public var activeSessions: Int { core.cancelRegistry.count }

    public func close() async throws {
        let channel = serverChannel.withLock { channel in
            defer { channel = nil }
            return channel
        }
        try await channel?.close()
    }
}
