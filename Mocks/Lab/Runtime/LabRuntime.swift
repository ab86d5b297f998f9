import AWSAuth
import AWSMocks
import DBMocks
import Foundation
import Logging

/// A running lab: the real backends, the mock AWS listener, and one mock endpoint per database,
/// the endpoints verifying tokens against the mock's IAM state (keys, sessions, `rds-db:connect`).
public final class LabRuntime: Sendable {
    public struct Endpoint: Sendable {
        public let database: LabFile.Database
        public let port: Int
        public let endpoint: MockPostgresEndpoint
    }

    public let lab: LabFile
    public let world: MockAWSWorld
    /// The mock AWS services and their state (RDS, Secrets Manager, IMDS, …).
    public let aws: MockAWSLab
    public let server: MockAWSServer
    public let backends: [String: PostgresServer]
    /// The lab's `engine: mariadb` backends (no mock endpoint in front of them yet).
    public let mariadbBackends: [String: MariaDBServer]
    public let endpoints: [Endpoint]
    public let caPath: String
    public let stateDirectory: String
    public let webIdentityTokenPath: String

    private init(
        lab: LabFile, world: MockAWSWorld, aws: MockAWSLab, server: MockAWSServer, backends: [String: PostgresServer], endpoints: [Endpoint],
        caPath: String, stateDirectory: String, webIdentityTokenPath: String, mariadbBackends: [String: MariaDBServer]
    ) {
        self.lab = lab
        self.world = world
        self.aws = aws
        self.server = server
        self.backends = backends
        self.mariadbBackends = mariadbBackends
        self.endpoints = endpoints
        self.caPath = caPath
        self.stateDirectory = stateDirectory
        self.webIdentityTokenPath = webIdentityTokenPath
    }

    /// Starts everything the lab describes; `stateDirectory` receives the CA, config files and
    /// the web identity token. On failure, whatever started is stopped again.
    public static func start(_ lab: LabFile, stateDirectory: String, logger: Logger) async throws -> LabRuntime {
        try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
        let oidc = MockOIDCProvider(issuer: "https://oidc.lab.dbtunnel.example/\(lab.name)")
        let world = lab.makeWorld(oidcProvider: oidc)
        var backends: [String: PostgresServer] = [:]
        var mariadbBackends: [String: MariaDBServer] = [:]
        var endpoints: [Endpoint] = []
        let aws = LabServices.makeAWS(lab, world: world)
        let server = aws.makeServer(logger: logger)
        do {
            for backend in lab.backends {
                if backend.engine == .mariadb {
                    mariadbBackends[backend.name] = try startMariaDB(backend)
                    continue
                }
                let postgres = try PostgresServer.start(.init(settings: ["max_connections": "300"]))
                backends[backend.name] = postgres
                var setup = ""
                for user in backend.users { setup += "create role \"\(user)\" login;\n" }
                for database in backend.databases { setup += "create database \"\(database)\";\n" }
                if !setup.isEmpty { _ = try postgres.psql(setup) }
            }
            _ = try await server.start()
            let ca = try LabCertificateAuthority.generate(commonName: "dbtunnel lab CA (\(lab.name))")
            let caPath = try ca.write(to: stateDirectory, name: "lab-ca")
            for database in lab.databases {
                let certificate = try ca.issueServerCertificate(hostnames: [database.hostname], profile: database.certificate)
                let clientCA = database.requireClientCertificate ? ca.certificatePEM : nil
                let endpoint = try MockPostgresEndpoint(
                    configuration: .init(
                        hostname: database.hostname, advertisedPort: database.port, region: database.region,
                        certificateChainPEM: certificate.chainPEM, privateKeyPEM: certificate.privateKeyPEM, clientCAPEM: clientCA,
                        backendPort: backends[database.backend]!.port, iamAuthenticationEnabled: database.iamAuth
                    ),
                    verifier: Self.verifier(world: world),
                    iamEnabled: { LabServices.iamEnabled(database, in: aws.rds) },
                    authorize: { token in
                        world.mayConnect(accessKeyID: token.accessKeyID, resourceARN: LabFile.databaseUserARN(database, user: token.user))
                    },
                    logger: logger
                )
                let port = try await endpoint.start()
                endpoints.append(Endpoint(database: database, port: port, endpoint: endpoint))
            }
            let tokenPath = stateDirectory + "/web-identity-token"
            let token = oidc.mint(subject: "system:serviceaccount:default:app", issuedAt: world.now, lifetime: 86_400)
            try token.write(toFile: tokenPath, atomically: true, encoding: .utf8)
            for file in ["aws-config", "aws-credentials"] {
                FileManager.default.createFile(atPath: stateDirectory + "/" + file, contents: Data())
            }
            return LabRuntime(
                lab: lab, world: world, aws: aws, server: server, backends: backends, endpoints: endpoints,
                caPath: caPath, stateDirectory: stateDirectory, webIdentityTokenPath: tokenPath, mariadbBackends: mariadbBackends
            )
        } catch {
            for endpoint in endpoints { try? await endpoint.endpoint.close() }
            await server.stop()
            for backend in backends.values { backend.stop() }
            for backend in mariadbBackends.values { backend.stop() }
            throw error
        }
    }

    /// RDS's view of a token's key: user keys and STS sessions from the mock IAM.
    static func verifier(world: MockAWSWorld) -> RDSTokenVerifier {
        RDSTokenVerifier(now: { world.now }) { accessKeyID in
            switch world.keyOwner(accessKeyID) {
            case .user(let user, let secret):
                return .init(secretAccessKey: secret, principalARN: user.arn)
            case .session(let session):
                return .init(secretAccessKey: session.secret, sessionToken: session.token, principalARN: session.assumedRoleARN)
            case .inactiveKey, nil:
                return nil
            }
        }
    }

    public func stop() async {
        for endpoint in endpoints { try? await endpoint.endpoint.close() }
        await server.stop()
        for backend in backends.values { backend.stop() }
        for backend in mariadbBackends.values { backend.stop() }
    }

    /// The variables that point boto3, the aws CLI and dbtunnel at this lab.
    public var environment: [(name: String, value: String)] {
        let url = server.endpointURL ?? ""
        var variables: [(String, String)] = [
            ("AWS_ENDPOINT_URL", url),
            ("AWS_EC2_METADATA_SERVICE_ENDPOINT", url),
            ("AWS_REGION", lab.region),
            ("AWS_DEFAULT_REGION", lab.region),
            ("AWS_CONFIG_FILE", stateDirectory + "/aws-config"),
            ("AWS_SHARED_CREDENTIALS_FILE", stateDirectory + "/aws-credentials"),
        ]
        if let key = lab.accounts.first?.users.first?.accessKeys.first {
            variables += [("AWS_ACCESS_KEY_ID", key.id), ("AWS_SECRET_ACCESS_KEY", key.secret)]
        }
        if let ecs = lab.containerCredentials {
            variables.append(("AWS_CONTAINER_CREDENTIALS_FULL_URI", url + "/ecs/credentials"))
            if let token = ecs.token { variables.append(("AWS_CONTAINER_AUTHORIZATION_TOKEN", token)) }
        }
        variables.append(("DBTUNNEL_LAB_CA", caPath))
        variables += mariadbVariables
        for endpoint in endpoints {
            let name = endpoint.database.identifier.uppercased().map { $0.isLetter || $0.isNumber ? $0 : "_" }
            variables.append(("DBTUNNEL_LAB_\(String(name))_CONNECT_TO", "\(endpoint.database.hostname):\(endpoint.database.port):127.0.0.1:\(endpoint.port)"))
        }
        return variables
    }

    /// `export NAME='value'` lines, then a ready `dbtunnel proxy db` command per database.
    public var exportScript: String {
        var lines = environment.map { "export \($0.name)='\($0.value.replacingOccurrences(of: "'", with: "'\\''"))'" }
        lines.append("# web identity token (for AWS_WEB_IDENTITY_TOKEN_FILE): \(webIdentityTokenPath)")
        for endpoint in endpoints {
            let database = endpoint.database
            lines.append(
                "# \(database.identifier): dbtunnel proxy db --protocol postgres --uri \(database.hostname):\(database.port) "
                    + "--connect-to \(database.hostname):\(database.port):127.0.0.1:\(endpoint.port) --ca-file \(caPath)"
            )
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
