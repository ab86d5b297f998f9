import ArgumentParser
import AWSMocks
import Foundation
import Lab
import Logging

/// `dbtunnel lab aws [LAB.yaml]`: the mock AWS part of a lab on 127.0.0.1 (no backends, no
/// database endpoints), until Ctrl+C.
struct LabAWSCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aws",
        abstract: "Serve a lab file's mock AWS APIs (STS, IAM, RDS, Secrets Manager, Redshift Serverless, instance metadata, container credentials) on 127.0.0.1.",
        discussion: """
            Real clients use it unchanged through AWS_ENDPOINT_URL (printed at start). Requests must be \
            signed with keys the lab file defines, or with session credentials the mock issued.

            The lab file is the one `lab up` takes (see Mocks/labs/default.yaml and \
            Tests/python/labs/mock-aws.yaml); only its AWS part is served: accounts (users, roles, \
            groups, managed policies), databases in the RDS API (all of them; no backend is started \
            and no database endpoint opened), secrets, redshift_serverless, imds and ecs. Without a \
            file the lab is empty. A role without `trust` trusts its account, EC2 and ECS tasks; a \
            database without `backend` is in the RDS API only (`engine`, `tags`, `cluster` for Aurora \
            members, and for proxies `engine_family`, `require_tls`, `iam_auth`, `endpoints`).

            Scenario controls (unsigned POSTs with JSON bodies): /_mock/imds {"mode": "normal | hopLimit1 | \
            v1Disabled | noRole | slow", "delayMilliseconds": N, "tokensRequired": BOOL}, /_mock/clock \
            {"advanceSeconds": N}, /_mock/reset.
            """
    )

    @Argument(help: "The lab file (default: an empty lab).")
    var labFile: String?

    @Option(help: "Port on 127.0.0.1 (default: a free one).")
    var port: Int = 0

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
        let labFile: LabFile
        do { labFile = try self.labFile.map { try LabFile.load(path: $0) } ?? .empty } catch { throw ValidationError("\(error)") }
        let lab = labFile.makeMockAWS()
        let server = lab.makeServer(port: port, logger: logger)
        let listening = try await server.start()
        let url = "http://127.0.0.1:\(listening)"
        FileHandle.standardOutput.write(Data("""
            # Mock AWS on 127.0.0.1:\(listening): STS, RDS, Secrets Manager, Redshift Serverless, instance metadata, container credentials.
            export AWS_ENDPOINT_URL=\(url)
            export AWS_REGION=\(lab.region)
            export AWS_EC2_METADATA_SERVICE_ENDPOINT=\(url)/
            # Container credentials instead of the instance role (token: the lab file's ecs.token):
            # export AWS_CONTAINER_CREDENTIALS_FULL_URI=\(url)\(MockContainerCredentials.path)

            """.utf8))
        await ProxyDBCommand.waitForTermination()
        logger.info("shutting down")
        await server.stop()
    }
}
