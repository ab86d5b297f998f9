import Foundation
import Testing
@testable import AWSMocks

@Suite("Mock RDS (query protocol)")
struct RDSServiceTests {
    /// A lab file's accounts with alice, who may do anything (more accounts may follow).
    static let alice = """
        accounts:
          "111111111111":
            users:
              alice: {access_keys: [{id: AKIAX, secret: s}], policies: \(TestLab.allowAll)}

        """

    @Test func describeOneInstanceRendersTheModelsElements() async throws {
        let lab = try TestLab()
        let body = try await lab.query("rds", "DescribeDBInstances", ["DBInstanceIdentifier": "orders"])
        #expect(body.hasPrefix(#"<DescribeDBInstancesResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/">"#))
        #expect(body.contains("<DBInstances><DBInstance><DBInstanceIdentifier>orders</DBInstanceIdentifier>"))
        #expect(body.contains("<Endpoint><Address>orders."))
        #expect(body.contains(".us-east-1.rds.amazonaws.com</Address><Port>5432</Port>"))
        #expect(body.contains("<IAMDatabaseAuthenticationEnabled>true</IAMDatabaseAuthenticationEnabled>"))
        #expect(body.contains("<DBInstanceArn>arn:aws:rds:us-east-1:111111111111:db:orders</DBInstanceArn>"))
        #expect(body.contains("<TagList><Tag><Key>team</Key><Value>payments</Value></Tag></TagList>"))
        #expect(body.contains("<DbiResourceId>db-"))
        #expect(body.components(separatedBy: "<DBInstance>").count == 2)
    }

    @Test func unknownInstanceIsDBInstanceNotFound() async throws {
        let lab = try TestLab()
        await #expect(throws: AWSServiceError.dbInstanceNotFound("nope")) {
            try await lab.query("rds", "DescribeDBInstances", ["DBInstanceIdentifier": "nope"])
        }
        #expect(AWSServiceError.dbInstanceNotFound("nope").status == 404)
        #expect(AWSServiceError.dbInstanceNotFound("nope").message == "DBInstance nope not found.")
    }

    @Test func filtersByEngineAndCluster() async throws {
        let lab = try TestLab()
        let mysql = try await lab.query("rds", "DescribeDBInstances", [
            "Filters.Filter.1.Name": "engine", "Filters.Filter.1.Values.Value.1": "mysql",
        ])
        #expect(mysql.contains("<DBInstanceIdentifier>legacy</DBInstanceIdentifier>"))
        #expect(!mysql.contains("<DBInstanceIdentifier>orders</DBInstanceIdentifier>"))
        let aurora = try await lab.query("rds", "DescribeDBInstances", [
            "Filters.Filter.1.Name": "db-cluster-id", "Filters.Filter.1.Values.Value.1": "arn:aws:rds:us-east-1:111111111111:cluster:aurora",
        ])
        #expect(aurora.components(separatedBy: "<DBInstance>").count == 3)
        await #expect(throws: AWSServiceError.invalidParameterValue("Unrecognized filter name: tag:team")) {
            try await lab.query("rds", "DescribeDBInstances", ["Filters.Filter.1.Name": "tag:team", "Filters.Filter.1.Values.Value.1": "x"])
        }
    }

    @Test func clusterListsMembersWithTheWriterFirst() async throws {
        let lab = try TestLab()
        let body = try await lab.query("rds", "DescribeDBClusters", ["DBClusterIdentifier": "aurora"])
        #expect(body.contains("<DBClusters><DBCluster>"))
        #expect(body.contains("<DBClusterMember><DBInstanceIdentifier>aurora-1</DBInstanceIdentifier><IsClusterWriter>true</IsClusterWriter>"))
        #expect(body.contains("<ReaderEndpoint>aurora.cluster-ro-"))
        await #expect(throws: AWSServiceError.dbClusterNotFound("other")) {
            try await lab.query("rds", "DescribeDBClusters", ["DBClusterIdentifier": "other"])
        }
    }

    @Test func proxiesUseMemberListsAndHaveADefaultEndpoint() async throws {
        let lab = try TestLab()
        let proxies = try await lab.query("rds", "DescribeDBProxies")
        #expect(proxies.contains("<DBProxies><member><DBProxyName>orders-proxy</DBProxyName><DBProxyArn>arn:aws:rds:us-east-1:111111111111:db-proxy:prx-"))
        #expect(proxies.contains("<Auth><member><AuthScheme>SECRETS</AuthScheme>"))
        let endpoints = try await lab.query("rds", "DescribeDBProxyEndpoints", ["DBProxyName": "orders-proxy"])
        #expect(endpoints.contains("<DBProxyEndpointName>default</DBProxyEndpointName>"))
        #expect(endpoints.contains("<TargetRole>READ_ONLY</TargetRole><IsDefault>false</IsDefault>"))
        await #expect(throws: AWSServiceError.dbProxyEndpointNotFound("missing")) {
            try await lab.query("rds", "DescribeDBProxyEndpoints", ["DBProxyEndpointName": "missing"])
        }
        await #expect(throws: AWSServiceError.dbProxyNotFound("missing")) {
            try await lab.query("rds", "DescribeDBProxies", ["DBProxyName": "missing"])
        }
    }

    @Test func modifyWithoutApplyImmediatelyIsPendingUntilMaintenance() async throws {
        let lab = try TestLab()
        let pending = try await lab.query("rds", "ModifyDBInstance", ["DBInstanceIdentifier": "legacy", "EnableIAMDatabaseAuthentication": "true"])
        #expect(pending.contains("<ModifyDBInstanceResult><DBInstance>"))
        #expect(pending.contains("<PendingModifiedValues><IAMDatabaseAuthenticationEnabled>true</IAMDatabaseAuthenticationEnabled></PendingModifiedValues>"))
        #expect(lab.lab.rds.instance("legacy", accountID: TestLab.account)?.iamDatabaseAuthenticationEnabled == false)
        lab.lab.rds.applyPendingMaintenance()
        #expect(lab.lab.rds.instance("legacy", accountID: TestLab.account)?.iamDatabaseAuthenticationEnabled == true)
    }

    @Test func modifyClusterImmediatelyAndRefuseItOnAMember() async throws {
        let lab = try TestLab()
        let body = try await lab.query("rds", "ModifyDBCluster", [
            "DBClusterIdentifier": "aurora", "EnableIAMDatabaseAuthentication": "true", "ApplyImmediately": "true",
        ])
        #expect(body.contains("<ModifyDBClusterResult><DBCluster>"))
        #expect(body.contains("<IAMDatabaseAuthenticationEnabled>true</IAMDatabaseAuthenticationEnabled>"))
        #expect(lab.lab.rds.iamAuthenticationEnabled(hostname: lab.lab.rds.cluster("aurora", accountID: TestLab.account)!.endpoint) == true)
        await #expect(throws: AWSServiceError.self) {
            try await lab.query("rds", "ModifyDBInstance", ["DBInstanceIdentifier": "aurora-1", "EnableIAMDatabaseAuthentication": "false"])
        }
        await #expect(throws: AWSServiceError.missingParameter("DBInstanceIdentifier")) {
            try await lab.query("rds", "ModifyDBInstance", ["ApplyImmediately": "true"])
        }
    }

    @Test func pagesWithMaxRecordsAndMarker() async throws {
        let instances = (1...25).map { "  db\($0 < 10 ? "0" : "")\($0): {kind: rds-instance, account: \"111111111111\"}\n" }.joined()
        let lab = try TestLab(labFile: Self.alice + "databases:\n" + instances)
        let first = try await lab.query("rds", "DescribeDBInstances", ["MaxRecords": "20"])
        #expect(first.components(separatedBy: "<DBInstance>").count == 21)
        let marker = try #require(first.firstMatch(of: /<Marker>([^<]+)<\/Marker>/)?.1)
        let second = try await lab.query("rds", "DescribeDBInstances", ["MaxRecords": "20", "Marker": String(marker)])
        #expect(second.components(separatedBy: "<DBInstance>").count == 6)
        #expect(second.contains("<DBInstanceIdentifier>db21</DBInstanceIdentifier>"))
        #expect(!second.contains("<Marker>"))
        await #expect(throws: AWSServiceError.self) { try await lab.query("rds", "DescribeDBInstances", ["MaxRecords": "5"]) }
    }

    @Test func otherAccountsResourcesAreInvisible() async throws {
        let lab = try TestLab(labFile: Self.alice + """
              "222222222222": {}
            databases:
              theirs: {kind: rds-instance, account: "222222222222"}
            """)
        await #expect(throws: AWSServiceError.dbInstanceNotFound("theirs")) {
            try await lab.query("rds", "DescribeDBInstances", ["DBInstanceIdentifier": "theirs"])
        }
    }
}
