import ArgumentParser
import AWSMocks
import Foundation
import Logging

/// `dbtunnel lab aws`: the mock AWS APIs on 127.0.0.1, seeded from a JSON file, until Ctrl+C.
struct LabAWSCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aws",
        abstract: "Serve mock AWS APIs (STS, RDS, Secrets Manager, Redshift Serverless, instance metadata, container credentials) on 127.0.0.1.",
        discussion: """
            Real clients use it unchanged through AWS_ENDPOINT_URL (printed at start). Requests must be \
            signed with keys the seed defines, or with session credentials the mock issued.

            The seed is JSON; every key is optional:
              {
                "account": "111111111111", "region": "us-east-1",
                "users": [{"name": "alice", "accessKeyId": "AKIA...", "secretAccessKey": "...",
                           "policies": {"NAME": {POLICY}}, "groups": [], "managedPolicies": []}],
                "roles": [{"name": "app", "trustPolicy": {POLICY}, "policies": {"NAME": {POLICY}},
                           "maxSessionDuration": 3600}],
                "groups": [{"name": "dev", "policies": {}}],
                "managedPolicies": [{"arn": "arn:aws:iam::111111111111:policy/x", "document": {POLICY}}],
                "rds": {
                  "instances": [{"id": "mydb", "engine": "postgres", "iamAuth": true, "address": "HOST", "resourceId": "db-...",
                                 "port": 5432, "cluster": "CLUSTER-ID", "tags": {"KEY": "VALUE"}}],
                  "clusters": [{"id": "aurora", "engine": "aurora-postgresql", "members": ["aurora-1"],
                                "iamAuth": true, "endpoint": "HOST", "readerEndpoint": "HOST"}],
                  "proxies": [{"name": "px", "engineFamily": "POSTGRESQL", "requireTLS": true,
                               "iamAuth": "REQUIRED", "endpoints": [{"name": "px-ro", "targetRole": "READ_ONLY"}]}]
                },
                "secrets": [{"name": "app/db", "secretString": "...", "description": "..."}],
                "redshiftServerless": {"workgroups": [{"name": "analytics", "namespace": "main"}]},
                "instanceMetadata": {"role": "ROLE-NAME-OR-ARN"},
                "containerCredentials": {"role": "ROLE-NAME-OR-ARN", "authorizationToken": "TOKEN"}
              }
            Entities take "account" and "region" overrides; a role without trustPolicy trusts the \
            account, EC2 and ECS tasks.

            Scenario controls (unsigned POSTs with JSON bodies): /_mock/imds {"mode": "normal | hopLimit1 | \
            v1Disabled | noRole | slow", "delayMilliseconds": N, "tokensRequired": BOOL}, /_mock/clock \
            {"advanceSeconds": N}, /_mock/reset.
            """
    )

    @Option(help: "Port on 127.0.0.1 (default: a free one).")
    var port: Int = 0

    @Option(help: "The seed JSON file (users, roles, databases, secrets, workgroups). Default: an empty lab.")
    var seed: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, warning or error.")
    var logLevel: String = "warning"

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be from 0 to 65535") }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be trace, debug, info, notice, warning, error or critical")
        }
    }

    func run() async throws {
        var logger = Logger(label: "dbtunnel-lab-aws")
        logger.logLevel = Logger.Level(rawValue: logLevel)!
        let lab: MockAWSLab
        do {
            lab = try MockAWSLab(seed: try seed.map { try MockAWSSeed.load(path: $0) } ?? MockAWSSeed())
        } catch {
            throw ValidationError("\(error)")
        }
        let server = lab.makeServer(port: port, logger: logger)
        let listening = try await server.start()
        let url = "http://127.0.0.1:\(listening)"
        FileHandle.standardOutput.write(Data("""
            # Mock AWS on 127.0.0.1:\(listening): STS, RDS, Secrets Manager, Redshift Serverless, instance metadata, container credentials.
            export AWS_ENDPOINT_URL=\(url)
            export AWS_REGION=\(lab.region)
            export AWS_EC2_METADATA_SERVICE_ENDPOINT=\(url)/
            # Container credentials instead of the instance role (token: the seed's containerCredentials.authorizationToken):
            # export AWS_CONTAINER_CREDENTIALS_FULL_URI=\(url)\(MockContainerCredentials.path)

            """.utf8))
        await ProxyDBCommand.waitForTermination()
        logger.info("shutting down")
        await server.stop()
    }
}
