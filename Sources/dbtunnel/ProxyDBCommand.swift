import ArgumentParser
import AWSAuth
import Foundation
import Logging
import NIOCore
import NIOPosix
import Tunnel

/// `dbtunnel proxy db`: a local plain-protocol listener signing in upstream with IAM.
struct ProxyDBCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Listen on localhost and relay to an IAM-authenticated database over verified TLS."
    )

    @Option(name: .customLong("protocol"), help: "Database protocol: postgres (mysql and sqlserver are coming).")
    var databaseProtocol: String = "postgres"

    @Option(help: "The database endpoint, HOST:PORT.")
    var uri: String

    @Option(name: .customLong("db-user"), help: "The database user; clients may omit it or must match it.")
    var dbUser: String?

    @Option(name: .customLong("db-name"), help: "The database; clients may omit it or must match it.")
    var dbName: String?

    @Option(help: "Local port (default: a free one).")
    var port: Int = 0

    @Option(help: "Local address to listen on.")
    var address: String = "127.0.0.1"

    @Option(help: "AWS region for the token (default: the one in the hostname).")
    var region: String?

    @Option(help: "AWS profile (default: AWS_PROFILE, then default).")
    var profile: String?

    @Option(name: .customLong("assume-role-arn"), help: "Assume this role after finding the ambient credentials (at most two hops with a profile role_arn).")
    var assumeRoleARN: String?

    @Option(name: .customLong("external-id"), help: "ExternalId for --assume-role-arn (first hop only).")
    var externalID: String?

    @Option(help: "How to sign in: rds-iam (redshift-serverless is coming).")
    var auth: String = "rds-iam"

    @Option(name: .customLong("ca-file"), help: "PEM bundle of trusted CAs (default: the system's).")
    var caFile: String?

    @Option(name: .customLong("tls-mode"), help: "verify-full (chain and hostname) or verify-ca (chain only).")
    var tlsMode: String = "verify-full"

    @Option(name: .customLong("tls-server-name"), help: "Name for SNI and the certificate check (default: the --uri host).")
    var tlsServerName: String?

    @Option(name: .customLong("cert-file"), help: "Client certificate (PEM) for mutual TLS.")
    var certFile: String?

    @Option(name: .customLong("key-file"), help: "Private key (PEM) of --cert-file.")
    var keyFile: String?

    @Option(name: .customLong("connect-to"), help: "HOST:PORT:ADDR:ADDRPORT: dial ADDR:ADDRPORT for HOST:PORT (as curl).")
    var connectTo: String?

    @Option(name: .customLong("connect-timeout"), help: "Seconds to wait for the TCP connection upstream.")
    var connectTimeout: Int = 10

    @Option(name: .customLong("log-level"), help: "trace, debug, info, warning or error.")
    var logLevel: String = "info"

    func validate() throws {
        guard databaseProtocol == "postgres" else {
            throw ValidationError("--protocol \(databaseProtocol): only postgres is supported in this build")
        }
        if externalID != nil, assumeRoleARN == nil {
            throw ValidationError("--external-id needs --assume-role-arn")
        }
        guard auth == "rds-iam" else { throw ValidationError("--auth \(auth): only rds-iam is supported in this build") }
        guard UpstreamCertificateVerifier.Mode(rawValue: tlsMode) != nil else {
            throw ValidationError("--tls-mode must be verify-full or verify-ca")
        }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be from 0 to 65535") }
        guard connectTimeout > 0 else { throw ValidationError("--connect-timeout must be at least 1 second") }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be trace, debug, info, notice, warning, error or critical")
        }
        do { _ = try DatabaseTarget.resolve(uri: uri, region: region) } catch { throw ValidationError(error.description) }
        if let connectTo {
            guard let parsed = ConnectTo.parse(connectTo) else {
                throw ValidationError("--connect-to must be HOST:PORT:ADDR:ADDRPORT, e.g. \(uri):127.0.0.1:15432")
            }
            guard "\(parsed.host):\(parsed.port)".lowercased() == uri.lowercased() else {
                throw ValidationError("--connect-to \(connectTo) is for \(parsed.host):\(parsed.port), not --uri \(uri)")
            }
        }
    }

    func run() async throws {
        var logger = Logger(label: "dbtunnel")
        logger.logLevel = Logger.Level(rawValue: logLevel)!
        let target = try DatabaseTarget.resolve(uri: uri, region: region)

        // Fail now, not at the first connection, when there are no credentials.
        let environment = CredentialEnvironment.current, profile = self.profile
        let ambient = CredentialProviderChain.standard(network: .live())
        let chain = assumeRoleARN.map { role in
            CredentialProviderChain([
                AssumeRoleProvider.chained(source: ambient, roleARN: role, externalID: externalID, sessionName: "dbtunnel")
            ])
        } ?? ambient
        let resolve: @Sendable () async throws -> AWSCredentials = {
            try await chain.credentials(try CredentialContext.make(environment: environment, profile: profile))
        }
        let cache = CredentialCache(provider: resolve)
        let credentials = try await cache.credentials()
        logger.info("AWS credentials found", metadata: ["aws.access_key_id": "\(credentials.accessKeyID)"])

        let configuration = TunnelConfiguration(
            databaseProtocol: .postgres, target: target,
            dialAddress: connectTo.flatMap(ConnectTo.parse).map { ($0.address, $0.addressPort) },
            listenHost: address, listenPort: port, dbUser: dbUser, dbName: dbName,
            tls: UpstreamTLSConfiguration(
                caFile: caFile, mode: UpstreamCertificateVerifier.Mode(rawValue: tlsMode)!, serverName: tlsServerName,
                certificateFile: certFile, keyFile: keyFile
            ),
            connectTimeout: .seconds(Int64(connectTimeout))
        )
        let tunnel = try PostgresTunnel(
            configuration: configuration, credentials: RDSTokenSource(target: target, credentials: cache),
            group: EventLoopThreads.makeGroup(), logger: logger
        )
        let bound = try await tunnel.start()
        let localPort = bound.port ?? port
        var psql = "psql \"host=\(address) port=\(localPort) sslmode=disable"
        if let dbUser { psql += " user=\(dbUser)" } else { psql += " user=<db-user>" }
        if let dbName { psql += " dbname=\(dbName)" }
        psql += "\""
        FileHandle.standardOutput.write(Data("""
            Started DB proxy on \(address):\(localPort) for \(target.host):\(target.port) (postgres, IAM auth, TLS \(tlsMode)).
            Use the following command to connect:
              \(psql)

            """.utf8))
        await Self.waitForTermination()
        logger.info("shutting down")
        try await tunnel.close()
    }

    /// Until SIGINT or SIGTERM.
    static func waitForTermination() async {
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        let sources = [SIGINT, SIGTERM].map { DispatchSource.makeSignalSource(signal: $0, queue: .global()) }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let once = OnceFlag()
            for source in sources {
                source.setEventHandler {
                    if once.claim() { continuation.resume() }
                }
                source.resume()
            }
        }
        for source in sources { source.cancel() }
    }
}
