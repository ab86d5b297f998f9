import ArgumentParser
import AWSAuth
import DBMocks
import Foundation
import Logging

/// `dbtunnel lab endpoint`: one mock RDS PostgreSQL endpoint, with a fresh lab CA, in front of
/// a real PostgreSQL server. Its IAM key table is the AWS key pair in its own environment.
struct LabEndpointCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "endpoint",
        abstract: "Serve a mock RDS PostgreSQL endpoint (TLS, IAM token verification) in front of a real PostgreSQL."
    )

    @Option(help: "The endpoint's DNS name (certificate and token host).")
    var hostname: String = "mydb.abcdefghijkl.us-east-1.rds.amazonaws.com"

    @Option(name: .customLong("advertised-port"), help: "The port tokens are signed for.")
    var advertisedPort: Int = 5432

    @Option(help: "Local port to listen on (default: a free one).")
    var port: Int = 0

    @Option(name: .customLong("backend-port"), help: "Port of the real PostgreSQL on 127.0.0.1 (trust auth).")
    var backendPort: Int

    @Option(name: .customLong("certificate-profile"), help: "valid, legacy-cn, expired, wrong-host or unknown-ca.")
    var certificateProfile: String = "valid"

    @Option(name: .customLong("ca-out"), help: "Write the lab CA certificate (PEM) to this file.")
    var caOut: String

    @Flag(name: .customLong("iam-disabled"), help: "Refuse every token, as an instance without IAM auth.")
    var iamDisabled = false

    func validate() throws {
        guard CertificateProfile(rawValue: certificateProfile) != nil else {
            throw ValidationError("--certificate-profile must be one of \(CertificateProfile.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard (1...65535).contains(backendPort) else { throw ValidationError("--backend-port must be from 1 to 65535") }
    }

    func run() async throws {
        let environment = CredentialEnvironment.current
        guard let keyID = environment["AWS_ACCESS_KEY_ID"], let secret = environment["AWS_SECRET_ACCESS_KEY"] else {
            throw ValidationError("set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY: the endpoint accepts tokens signed with that key")
        }
        guard let endpointInfo = try? DatabaseEndpoint.parse(hostname) else {
            throw ValidationError("--hostname must be an RDS hostname (its region is the token's)")
        }
        var logger = Logger(label: "dbtunnel-lab")
        logger.logLevel = .info
        let ca = try LabCertificateAuthority.generate()
        try ca.certificatePEM.write(toFile: caOut, atomically: true, encoding: .utf8)
        let certificate = try ca.issueServerCertificate(hostnames: [hostname], profile: CertificateProfile(rawValue: certificateProfile)!)
        let verifier = RDSTokenVerifier { id in
            id == keyID ? .init(secretAccessKey: secret, principalARN: "arn:aws:iam::123456789012:user/lab") : nil
        }
        let endpoint = try MockPostgresEndpoint(
            configuration: .init(
                hostname: hostname, advertisedPort: advertisedPort, region: endpointInfo.region, listenPort: port,
                certificateChainPEM: certificate.chainPEM, privateKeyPEM: certificate.privateKeyPEM,
                backendPort: backendPort, iamAuthenticationEnabled: !iamDisabled
            ),
            verifier: verifier, logger: logger
        )
        let listening = try await endpoint.start()
        FileHandle.standardOutput.write(Data("""
            Mock RDS endpoint \(hostname):\(advertisedPort) listening on 127.0.0.1:\(listening) (certificate: \(certificateProfile), backend 127.0.0.1:\(backendPort)).
            Lab CA: \(caOut)

            """.utf8))
        await ProxyDBCommand.waitForTermination()
        try await endpoint.close()
    }
}
