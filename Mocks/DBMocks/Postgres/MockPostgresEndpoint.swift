import Logging
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// A mock RDS PostgreSQL endpoint: requires TLS with a lab certificate, asks for a cleartext
/// password and verifies it as an IAM token the way RDS does, signs in at a real PostgreSQL
/// server (with `trust`), checks there that the user is a member of `rds_iam` as RDS demands,
/// then hands the connection over and relays.
///
/// With a client CA, clients must present a certificate, and a CancelRequest sent without TLS
/// (so without one) is refused. For fault injection it can stop listening (`close`), listen
/// again on the same port (`start(port:)`), and hold each new connection (`answerDelay`).
public final class MockPostgresEndpoint: Sendable {
    public struct Configuration: Sendable {
        /// The endpoint's DNS name: what the certificate names and what tokens are signed for.
        public var hostname: String
        /// The port tokens are signed for (the advertised port, e.g. 5432).
        public var advertisedPort: Int
        public var region: String
        public var listenHost: String
        /// 0 picks a free port.
        public var listenPort: Int
        /// Server certificate chain and key, PEM.
        public var certificateChainPEM: String
        public var privateKeyPEM: String
        /// When set, clients must present a certificate signed by one of these CAs (PEM).
        public var clientCAPEM: String?
        /// The real PostgreSQL server behind the endpoint.
        public var backendHost: String
        public var backendPort: Int
        /// `EnableIAMDatabaseAuthentication`; when false every token is refused.
        public var iamAuthenticationEnabled: Bool

        public init(
            hostname: String, advertisedPort: Int = 5432, region: String, listenHost: String = "127.0.0.1", listenPort: Int = 0,
            certificateChainPEM: String, privateKeyPEM: String, clientCAPEM: String? = nil,
            backendHost: String = "127.0.0.1", backendPort: Int, iamAuthenticationEnabled: Bool = true
        ) {
            self.hostname = hostname
            self.advertisedPort = advertisedPort
            self.region = region
            self.listenHost = listenHost
            self.listenPort = listenPort
            self.certificateChainPEM = certificateChainPEM
            self.privateKeyPEM = privateKeyPEM
            self.clientCAPEM = clientCAPEM
            self.backendHost = backendHost
            self.backendPort = backendPort
            self.iamAuthenticationEnabled = iamAuthenticationEnabled
        }
    }

    /// Decides, after the token verified, whether its principal may connect as the user
    /// (`rds-db:connect`); the mock-AWS lab plugs its policy engine in here.
    public typealias Authorizer = @Sendable (RDSTokenVerifier.VerifiedToken) -> Bool

    let configuration: Configuration
    let verifier: RDSTokenVerifier
    let authorize: Authorizer
    /// Read at each sign-in: a lab's ModifyDBInstance switches IAM auth at run time.
    let iamEnabled: @Sendable () -> Bool
    let tls: NIOSSLContext
    let logger: Logger
    public let statistics = EndpointStatistics()
    private let group: any EventLoopGroup
    private let channel = Mutex<(any Channel)?>(nil)
    private let delay = Mutex<Duration>(.zero)

    public init(
        configuration: Configuration, verifier: RDSTokenVerifier, iamEnabled: (@Sendable () -> Bool)? = nil,
        authorize: @escaping Authorizer = { _ in true },
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton, logger: Logger
    ) throws {
        self.configuration = configuration
        self.verifier = verifier
        self.authorize = authorize
        let fixed = configuration.iamAuthenticationEnabled
        self.iamEnabled = iamEnabled ?? { fixed }
        self.group = group
        self.logger = logger
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMBytes(Array(configuration.certificateChainPEM.utf8)).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(configuration.privateKeyPEM.utf8), format: .pem))
        )
        tls.minimumTLSVersion = .tlsv12
        if let clientCAPEM = configuration.clientCAPEM {
            tls.certificateVerification = .noHostnameVerification
            tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(clientCAPEM.utf8)))
        }
        self.tls = try NIOSSLContext(configuration: tls)
    }

    /// Starts listening on `port`, or on `configuration.listenPort` when nil; returns the port.
    /// After `close()`, `start(port:)` with the previous port listens there again (the lab's
    /// `restoreEndpoint`).
    @discardableResult
    public func start(port: Int? = nil) async throws -> Int {
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(MockPostgresSessionHandler(endpoint: self))
                }
            }
            .bind(host: configuration.listenHost, port: port ?? configuration.listenPort)
            .get()
        guard let bound = channel.localAddress?.port else {
            try? await channel.close()
            throw ChannelError.inappropriateOperationForState
        }
        let previous = self.channel.withLock { current in
            defer { current = channel }
            return current
        }
        try? await previous?.close()
        return bound
    }

    /// The listening port; nil while not listening (before `start`, after `close`).
    public var port: Int? { channel.withLock { $0?.localAddress?.port } }

    /// How long the endpoint waits, on each new connection, before it reads and answers
    /// anything (a slow or overloaded database, for the lab's `delayEndpoint`). Connections
    /// already past their delay are not affected.
    public var answerDelay: Duration {
        get { delay.withLock { $0 } }
        set { delay.withLock { $0 = max(newValue, .zero) } }
    }

    /// Stops listening: new connections are refused. Sessions already accepted go on.
    public func close() async throws {
        let channel = self.channel.withLock { channel in
            defer { channel = nil }
            return channel
        }
        try await channel?.close()
    }
}
