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
    /// A client certificate from the lab CA and its key (mode 0600), written when a database
    /// requires one (`require_client_certificate: true`); nil otherwise.
    public let clientCertificatePath: String?
    public let clientKeyPath: String?
    public let stateDirectory: String
    public let webIdentityTokenPath: String
    /// Cut endpoints' dropping listeners (`cutEndpoint`).
    let faults = EndpointFaults()

    private init(
        lab: LabFile, world: MockAWSWorld, aws: MockAWSLab, server: MockAWSServer, backends: [String: PostgresServer], endpoints: [Endpoint],
        caPath: String, client: (certificate: String, key: String)?, stateDirectory: String, webIdentityTokenPath: String,
        mariadbBackends: [String: MariaDBServer]
    ) {
        self.lab = lab
        self.world = world
        self.aws = aws
        self.server = server
        self.backends = backends
        self.mariadbBackends = mariadbBackends
        self.endpoints = endpoints
        self.caPath = caPath
        self.clientCertificatePath = client?.certificate
        self.clientKeyPath = client?.key
        self.stateDirectory = stateDirectory
        self.webIdentityTokenPath = webIdentityTokenPath
    }

    /// Starts everything the lab describes; `stateDirectory` receives the CA, the client
    /// certificate (when a database requires one), config files and the web identity token.
    /// Each backend gets the role `rds_iam`, granted to the users that sign in with tokens.
    /// On failure, whatever started is stopped again.
    public static func start(_ lab: LabFile, stateDirectory: String, logger: Logger) async throws -> LabRuntime {
        try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
        let oidc = MockOIDCProvider(issuer: lab.oidcIssuer)
        let aws = lab.makeMockAWS(oidcProvider: oidc)
        let world = aws.world
        var backends: [String: PostgresServer] = [:]
        var mariadbBackends: [String: MariaDBServer] = [:]
        var endpoints: [Endpoint] = []
        let server = aws.makeServer(logger: logger)
        do {
            for backend in lab.backends {
                if backend.engine == .mariadb {
                    mariadbBackends[backend.name] = try await onThread { try startMariaDB(backend) }
                    continue
                }
                let postgres = try await onThread { try PostgresServer.start(.init(settings: ["max_connections": "300"])) }
                backends[backend.name] = postgres
                let setup = Self.setupSQL(backend)
                _ = try await onThread { try postgres.psql(setup) }
            }
            _ = try await server.start()
            let ca = try LabCertificateAuthority.generate(commonName: "dbtunnel lab CA (\(lab.name))")
            let caPath = try ca.write(to: stateDirectory, name: "lab-ca")
            var client: (certificate: String, key: String)?
            if lab.databases.contains(where: \.requireClientCertificate) {
                let paths = (certificate: stateDirectory + "/lab-client.pem", key: stateDirectory + "/lab-client-key.pem")
                try ca.issueClientCertificate(commonName: "dbtunnel lab client (\(lab.name))")
                    .write(certificateTo: paths.certificate, keyTo: paths.key)
                client = paths
            }
            // Databases without a backend are in the RDS API only: no endpoint.
            for database in lab.databases {
                guard let backend = database.backend.flatMap({ backends[$0] }) else { continue }
                let certificate = try ca.issueServerCertificate(hostnames: [database.hostname], profile: database.certificate)
                let clientCA = database.requireClientCertificate ? ca.certificatePEM : nil
                let endpoint = try MockPostgresEndpoint(
                    configuration: .init(
                        hostname: database.hostname, advertisedPort: database.port, region: database.region,
                        certificateChainPEM: certificate.chainPEM, privateKeyPEM: certificate.privateKeyPEM, clientCAPEM: clientCA,
                        backendPort: backend.port, iamAuthenticationEnabled: database.iamAuth
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
                caPath: caPath, client: client, stateDirectory: stateDirectory, webIdentityTokenPath: tokenPath,
                mariadbBackends: mariadbBackends
            )
        } catch {
            for endpoint in endpoints { try? await endpoint.endpoint.close() }
            await server.stop()
            await Self.stop(Array(backends.values), Array(mariadbBackends.values))
            throw error
        }
    }

    /// The roles and databases of a backend: `rds_iam` (as on RDS), each user, granted
    /// `rds_iam` unless the lab file says `rds_iam: false`.
    static func setupSQL(_ backend: LabFile.Backend) -> String {
        var sql = "create role rds_iam;\n"
        for user in backend.users {
            sql += "create role \(quoted(user.name)) login;\n"
            if user.rdsIAM { sql += "grant rds_iam to \(quoted(user.name));\n" }
        }
        for database in backend.databases { sql += "create database \(quoted(database));\n" }
        return sql
    }

    /// A PostgreSQL quoted identifier.
    private static func quoted(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
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
        faults.removeAll()
        for endpoint in endpoints { try? await endpoint.endpoint.close() }
        await server.stop()
        await Self.stop(Array(backends.values), Array(mariadbBackends.values))
    }

    /// Stops backends off the concurrency pool (each stop waits for its server to exit).
    private static func stop(_ backends: [PostgresServer], _ mariadbBackends: [MariaDBServer]) async {
        _ = try? await onThread {
            for backend in backends { backend.stop() }
            for backend in mariadbBackends { backend.stop() }
        }
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
        if let clientCertificatePath, let clientKeyPath {
            variables += [("DBTUNNEL_LAB_CLIENT_CERT", clientCertificatePath), ("DBTUNNEL_LAB_CLIENT_KEY", clientKeyPath)]
        }
        variables += mariadbVariables
        for endpoint in endpoints {
            let name = Self.variableName(endpoint.database.identifier)
            variables.append(("DBTUNNEL_LAB_\(name)_CONNECT_TO", "\(endpoint.database.hostname):\(endpoint.database.port):127.0.0.1:\(endpoint.port)"))
        }
        for backend in lab.backends {
            guard let server = backends[backend.name] else { continue }
            variables.append(("DBTUNNEL_LAB_BACKEND_\(Self.variableName(backend.name))_URL", server.superuserURL))
        }
        return variables
    }

    /// A lab name as part of an environment variable: upper case, `_` for anything else.
    private static func variableName(_ name: String) -> String {
        String(name.uppercased().map { $0.isLetter || $0.isNumber ? $0 : "_" })
    }

    /// `export NAME='value'` lines, then a ready `dbtunnel proxy db` command per database.
    public var exportScript: String {
        var lines = environment.map { "export \($0.name)='\($0.value.replacingOccurrences(of: "'", with: "'\\''"))'" }
        lines.append("# web identity token (for AWS_WEB_IDENTITY_TOKEN_FILE): \(webIdentityTokenPath)")
        for endpoint in endpoints {
            let database = endpoint.database
            var command = "# \(database.identifier): dbtunnel proxy db --protocol postgres --uri \(database.hostname):\(database.port) "
                + "--connect-to \(database.hostname):\(database.port):127.0.0.1:\(endpoint.port) --ca-file \(caPath)"
            if database.requireClientCertificate, let clientCertificatePath, let clientKeyPath {
                command += " --cert-file \(clientCertificatePath) --key-file \(clientKeyPath)"
            }
            lines.append(command)
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
