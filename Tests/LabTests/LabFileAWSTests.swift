import AWSMocks
import Foundation
import Testing
@testable import Lab

/// The AWS side of a lab file as `lab up` and `lab aws` build it: roles' default trust,
/// databases in the RDS API only, engines, tags, Aurora members, proxies (their mistakes are
/// among `LabFileTests`' broken lab files).
@Suite("Lab file: the mock AWS")
struct LabFileAWSTests {
    static let account = "111111111111"

    /// The lab the python service checks serve with `dbtunnel lab aws`.
    static func mockAWSLab() throws -> LabFile {
        try LabFile.load(path: LabFileTests.repositoryRoot.appendingPathComponent("Tests/python/labs/mock-aws.yaml").path)
    }

    @Test func policiesMayBeMappingsOrJSONTextAndARoleWithoutTrustTrustsTheAccountEC2AndECSTasks() throws {
        let lab = try LabFile.parse("""
            accounts:
              "111111111111":
                roles:
                  a: {policies: {p: {Version: "2012-10-17", Statement: []}}}
                  b: {trust: '{"Statement": []}'}
            """, file: "roles.yaml")
        let iam = lab.makeWorld().withIAM { $0 }
        let a = try #require(iam.roles["arn:aws:iam::111111111111:role/a"])
        #expect(a.inlinePolicies["p"] == #"{"Statement":[],"Version":"2012-10-17"}"#)
        #expect(a.trustPolicy == LabFile.Role.defaultTrust(account: Self.account))
        for principal in ["arn:aws:iam::111111111111:root", "ec2.amazonaws.com", "ecs-tasks.amazonaws.com"] {
            #expect(a.trustPolicy.contains(principal))
        }
        #expect(iam.roles["arn:aws:iam::111111111111:role/b"]?.trustPolicy == #"{"Statement": []}"#)
    }

    @Test func databasesWithoutABackendAreInTheRDSAPIWithTheirEnginesAndTags() throws {
        let lab = try Self.mockAWSLab()
        #expect(lab.backends.isEmpty && lab.databases.allSatisfy { $0.backend == nil })
        let rds = LabServices.rdsState(lab)
        #expect(rds.instances.map(\.identifier) == ["orders", "legacy", "aurora-1", "aurora-2"])
        #expect(rds.instances.map(\.engine) == ["postgres", "mysql", "aurora-postgresql", "aurora-postgresql"])
        #expect(rds.instances.map(\.port) == [5432, 3306, 5432, 5432])
        #expect(rds.instances[0].tags == [MockTag(key: "team", value: "payments")])
        #expect(rds.instances[0].address == "orders.abcdefghijkl.us-east-1.rds.amazonaws.com")
        #expect(rds.instances[1].iamDatabaseAuthenticationEnabled == false)
        #expect(rds.instances.map(\.clusterIdentifier) == [nil, nil, "aurora", "aurora"])
        let cluster = try #require(rds.clusters.first)
        #expect(cluster.members == ["aurora-1", "aurora-2"])
        #expect(cluster.engine == "aurora-postgresql" && !cluster.iamDatabaseAuthenticationEnabled)
        #expect(cluster.tags == [MockTag(key: "team", value: "analytics")])
    }

    @Test func proxiesHaveTheirEngineFamilyTLSIAMAuthAndEndpoints() throws {
        let rds = LabServices.rdsState(try Self.mockAWSLab())
        let proxy = try #require(rds.proxies.first)
        #expect(proxy.name == "orders-proxy" && proxy.engineFamily == "POSTGRESQL" && proxy.requireTLS)
        #expect(proxy.auth == [.init(iamAuth: "REQUIRED", secretARN: "arn:aws:secretsmanager:us-east-1:111111111111:secret:orders-proxy-credentials-AbCdEf")])
        #expect(rds.proxyEndpoints.map { [$0.name, $0.proxyName, $0.targetRole] } == [["orders-ro", "orders-proxy", "READ_ONLY"]])

        let lab = try LabFile.parse(LabFileTests.databasePrefix + """
                kind: rds-proxy
                engine_family: MYSQL
                require_tls: false
                iam_auth: ENABLED
                endpoints: {reads: {target_role: READ_ONLY}, writes: {}}
            """, file: "proxy.yaml")
        let other = try #require(LabServices.rdsState(lab).proxies.first)
        #expect(other.engineFamily == "MYSQL" && !other.requireTLS && other.auth.map(\.iamAuth) == ["ENABLED"])
        #expect(lab.databases.first?.port == 3306 && lab.databases.first?.iamAuth == true)
        #expect(LabServices.rdsState(lab).proxyEndpoints.map(\.targetRole) == ["READ_ONLY", "READ_WRITE"])
    }

    @Test func membersMayComeBeforeTheirClusterAndTakeItsEngine() throws {
        let lab = try LabFile.parse(LabFileTests.databasePrefix + """
                kind: rds-instance
                cluster: c
              c: {kind: aurora-cluster, account: "111111111111", engine: aurora-mysql}
            """, file: "members.yaml")
        let rds = LabServices.rdsState(lab)
        #expect(rds.instances.first?.engine == "aurora-mysql")
        #expect(rds.instances.first?.port == 3306)
        #expect(rds.clusters.first?.members == ["d"])
    }

    @Test func theMockAWSLabBuildsSecretsWorkgroupsAndCredentialRolesAndResetsToThem() throws {
        let aws = try Self.mockAWSLab().makeMockAWS()
        #expect(aws.secrets.secret("app/db", accountID: Self.account)?.description == "app login")
        #expect(aws.redshiftServerless.workgroup("analytics", accountID: Self.account)?.namespaceName == "main")
        #expect(aws.instanceMetadata.configuration.roleARN == "arn:aws:iam::111111111111:role/ec2-role")
        #expect(aws.world.role(arn: "arn:aws:iam::111111111111:role/task-role")?.trustPolicy.contains("ecs-tasks.amazonaws.com") == true)

        _ = aws.rds.modifyInstance("legacy", accountID: Self.account, enableIAM: true, applyImmediately: true)
        _ = try aws.secrets.create(name: "new", accountID: Self.account, region: "us-east-1", description: nil, string: "v", binary: nil, token: nil, tags: [])
        let arn = aws.secrets.secret("app/db", accountID: Self.account)?.arn
        aws.reset()
        #expect(aws.rds.instance("legacy", accountID: Self.account)?.iamDatabaseAuthenticationEnabled == false)
        #expect(aws.secrets.secret("new", accountID: Self.account) == nil)
        #expect(aws.secrets.secret("app/db", accountID: Self.account)?.arn == arn)
    }
}
