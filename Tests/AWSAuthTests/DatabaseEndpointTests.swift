import Testing

@testable import AWSAuth

@Suite("DatabaseEndpoint.parse")
struct DatabaseEndpointTests {
    struct Accepted: Sendable, CustomTestStringConvertible {
        let input: String
        let expected: DatabaseEndpoint
        var testDescription: String { self.input }

        init(
            _ input: String,
            _ kind: DatabaseEndpoint.Kind,
            region: String,
            partition: String = "aws",
            identifier: String,
            hash: String? = nil,
            accountID: String? = nil,
            hostname: String? = nil
        ) {
            self.input = input
            self.expected = DatabaseEndpoint(
                hostname: hostname ?? input,
                kind: kind,
                region: region,
                partition: partition,
                identifier: identifier,
                accountHash: hash,
                accountID: accountID
            )
        }
    }

    static let longestIdentifier = "a" + String(repeating: "b", count: 62)
    static let longestWorkgroup = String(repeating: "w", count: 64)

    static let accepted: [Accepted] = [
        // One of each kind, commercial partition.
        Accepted("mydb.c9akciq32abc.us-east-1.rds.amazonaws.com", .rdsInstance,
                 region: "us-east-1", identifier: "mydb", hash: "c9akciq32abc"),
        Accepted("prod-cluster.cluster-c9akciq32abc.eu-central-2.rds.amazonaws.com", .auroraCluster,
                 region: "eu-central-2", identifier: "prod-cluster", hash: "c9akciq32abc"),
        Accepted("prod-cluster.cluster-ro-c9akciq32abc.ap-southeast-3.rds.amazonaws.com", .auroraClusterReadOnly,
                 region: "ap-southeast-3", identifier: "prod-cluster", hash: "c9akciq32abc"),
        Accepted("analytics.cluster-custom-c9akciq32abc.us-west-2.rds.amazonaws.com", .auroraClusterCustom,
                 region: "us-west-2", identifier: "analytics", hash: "c9akciq32abc"),
        Accepted("app-proxy.proxy-c9akciq32abc.us-east-2.rds.amazonaws.com", .rdsProxy,
                 region: "us-east-2", identifier: "app-proxy", hash: "c9akciq32abc"),
        Accepted("readers.endpoint.proxy-c9akciq32abc.eu-west-1.rds.amazonaws.com", .rdsProxyCustomEndpoint,
                 region: "eu-west-1", identifier: "readers", hash: "c9akciq32abc"),
        Accepted("warehouse.abc123xyz789.us-east-1.redshift.amazonaws.com", .redshiftCluster,
                 region: "us-east-1", identifier: "warehouse", hash: "abc123xyz789"),
        Accepted("my-workgroup.123456789012.us-west-2.redshift-serverless.amazonaws.com", .redshiftServerless,
                 region: "us-west-2", identifier: "my-workgroup", accountID: "123456789012"),
        // China: .amazonaws.com.cn and the aws-cn partition, for every service.
        Accepted("mydb.c9akciq32abc.cn-north-1.rds.amazonaws.com.cn", .rdsInstance,
                 region: "cn-north-1", partition: "aws-cn", identifier: "mydb", hash: "c9akciq32abc"),
        Accepted("orders.cluster-c9akciq32abc.cn-northwest-1.rds.amazonaws.com.cn", .auroraCluster,
                 region: "cn-northwest-1", partition: "aws-cn", identifier: "orders", hash: "c9akciq32abc"),
        Accepted("warehouse.abc123xyz789.cn-north-1.redshift.amazonaws.com.cn", .redshiftCluster,
                 region: "cn-north-1", partition: "aws-cn", identifier: "warehouse", hash: "abc123xyz789"),
        Accepted("wg1.123456789012.cn-northwest-1.redshift-serverless.amazonaws.com.cn", .redshiftServerless,
                 region: "cn-northwest-1", partition: "aws-cn", identifier: "wg1", accountID: "123456789012"),
        // GovCloud keeps the commercial domain.
        Accepted("mydb.c9akciq32abc.us-gov-west-1.rds.amazonaws.com", .rdsInstance,
                 region: "us-gov-west-1", partition: "aws-us-gov", identifier: "mydb", hash: "c9akciq32abc"),
        Accepted("gov-proxy.proxy-c9akciq32abc.us-gov-east-1.rds.amazonaws.com", .rdsProxy,
                 region: "us-gov-east-1", partition: "aws-us-gov", identifier: "gov-proxy", hash: "c9akciq32abc"),
        // Case-insensitive input, and the FQDN trailing dot, both normalised away.
        Accepted("MyDB.C9AKCIQ32ABC.US-EAST-1.RDS.AmazonAWS.com", .rdsInstance,
                 region: "us-east-1", identifier: "mydb", hash: "c9akciq32abc",
                 hostname: "mydb.c9akciq32abc.us-east-1.rds.amazonaws.com"),
        Accepted("mydb.c9akciq32abc.il-central-1.rds.amazonaws.com.", .rdsInstance,
                 region: "il-central-1", identifier: "mydb", hash: "c9akciq32abc",
                 hostname: "mydb.c9akciq32abc.il-central-1.rds.amazonaws.com"),
        Accepted("Orders.Cluster-RO-C9AKCIQ32ABC.CN-NORTH-1.RDS.AMAZONAWS.COM.CN.", .auroraClusterReadOnly,
                 region: "cn-north-1", partition: "aws-cn", identifier: "orders", hash: "c9akciq32abc",
                 hostname: "orders.cluster-ro-c9akciq32abc.cn-north-1.rds.amazonaws.com.cn"),
        // Newer regions and the edges of each rule.
        Accepted("mydb.c9akciq32abc.mx-central-1.rds.amazonaws.com", .rdsInstance,
                 region: "mx-central-1", identifier: "mydb", hash: "c9akciq32abc"),
        Accepted("mydb.cluster-abc123xyz.us-east-1.rds.amazonaws.com", .auroraCluster,
                 region: "us-east-1", identifier: "mydb", hash: "abc123xyz"),
        Accepted("a.abcd1234.ap-southeast-7.rds.amazonaws.com", .rdsInstance,
                 region: "ap-southeast-7", identifier: "a", hash: "abcd1234"),
        Accepted("\(longestIdentifier).abcdefgh12345678.ca-west-1.rds.amazonaws.com", .rdsInstance,
                 region: "ca-west-1", identifier: longestIdentifier, hash: "abcdefgh12345678"),
        Accepted("abc.123456789012.eu-south-2.redshift-serverless.amazonaws.com", .redshiftServerless,
                 region: "eu-south-2", identifier: "abc", accountID: "123456789012"),
        Accepted("\(longestWorkgroup).123456789012.us-east-1.redshift-serverless.amazonaws.com", .redshiftServerless,
                 region: "us-east-1", identifier: longestWorkgroup, accountID: "123456789012"),
        Accepted("1st-workgroup.123456789012.us-east-1.redshift-serverless.amazonaws.com", .redshiftServerless,
                 region: "us-east-1", identifier: "1st-workgroup", accountID: "123456789012"),
    ]

    @Test("accepts", arguments: Self.accepted)
    func accepts(_ testCase: Accepted) throws {
        let endpoint = try DatabaseEndpoint.parse(testCase.input)
        #expect(endpoint == testCase.expected)
    }

    struct Rejected: Sendable, CustomTestStringConvertible {
        let input: String
        let code: DatabaseEndpointError.Code
        let why: String
        var testDescription: String { "\(self.why): \"\(self.input)\"" }

        init(_ input: String, _ code: DatabaseEndpointError.Code, _ why: String) {
            self.input = input
            self.code = code
            self.why = why
        }
    }

    static let rejected: [Rejected] = [
        // Not an AWS database host at all.
        Rejected("", .notAnAWSDatabaseHost, "empty"),
        Rejected(".", .notAnAWSDatabaseHost, "only the root dot"),
        Rejected("mydb.example.com", .notAnAWSDatabaseHost, "wrong domain"),
        Rejected("127.0.0.1", .notAnAWSDatabaseHost, "IPv4 literal"),
        Rejected("10.0.0.12:5432", .notAnAWSDatabaseHost, "IPv4 literal with port"),
        Rejected("::1", .notAnAWSDatabaseHost, "IPv6 literal"),
        Rejected("[fd00::1]:3306", .notAnAWSDatabaseHost, "bracketed IPv6 literal"),
        Rejected("mydb.c9akciq32abc.us-east-1.rds.amazonaws.com.example.com", .notAnAWSDatabaseHost, "AWS name inside another domain"),
        Rejected("mydb.c9akciq32abc.us-east-1.myrds.amazonaws.com", .notAnAWSDatabaseHost, "service label only ends in rds"),
        Rejected("mydb.c9akciq32abc.us-east-1.s3.amazonaws.com", .notAnAWSDatabaseHost, "another AWS service"),
        // Syntax and structure.
        Rejected("rds.amazonaws.com", .malformedHost, "service domain alone"),
        Rejected("us-east-1.rds.amazonaws.com", .malformedHost, "region and domain only"),
        Rejected("mydb.us-east-1.rds.amazonaws.com", .malformedHost, "missing hash label"),
        Rejected("a..us-east-1.rds.amazonaws.com", .malformedHost, "empty label"),
        Rejected("mydb.c9akciq32abc.us-east-1.rds.amazonaws.com..", .malformedHost, "two trailing dots"),
        Rejected("mydb.c9akciq32abc.us-east-1.rds.amazonaws.com:5432", .malformedHost, "with port"),
        Rejected("postgres://mydb.c9akciq32abc.us-east-1.rds.amazonaws.com:5432/app", .malformedHost, "a URL"),
        Rejected(" mydb.c9akciq32abc.us-east-1.rds.amazonaws.com", .malformedHost, "leading space"),
        Rejected("mydb.c9akciq32abc.us-east-1.rds.amazonaws.com\n", .malformedHost, "trailing newline"),
        Rejected("my_db.c9akciq32abc.us-east-1.rds.amazonaws.com", .malformedHost, "underscore"),
        Rejected("my\u{212A}db.c9akciq32abc.us-east-1.rds.amazonaws.com", .malformedHost, "Kelvin sign that lower-cases to k"),
        Rejected("mydb.abc1234.us-east-1.rds.amazonaws.com", .malformedHost, "hash too short"),
        Rejected("mydb.abcdefgh123456789.us-east-1.rds.amazonaws.com", .malformedHost, "hash too long"),
        Rejected("mydb.cluster-xx-c9akciq32abc.us-east-1.rds.amazonaws.com", .malformedHost, "unknown cluster prefix"),
        Rejected("mydb.shard-c9akciq32abc.us-east-1.rds.amazonaws.com", .malformedHost, "unknown label prefix"),
        Rejected("readers.endpoint.cluster-c9akciq32abc.us-east-1.rds.amazonaws.com", .malformedHost, "endpoint label on a cluster"),
        Rejected("a.b.c9akciq32abc.us-east-1.rds.amazonaws.com", .malformedHost, "extra label"),
        Rejected("warehouse.us-east-1.redshift.amazonaws.com", .malformedHost, "Redshift without hash"),
        Rejected("wg.12345678901.us-east-1.redshift-serverless.amazonaws.com", .malformedHost, "11-digit account id"),
        Rejected("wg1.12345678901a.us-east-1.redshift-serverless.amazonaws.com", .malformedHost, "account id with a letter"),
        // Regions.
        Rejected("mydb.c9akciq32abc.us-east.rds.amazonaws.com", .invalidRegion, "region without number"),
        Rejected("mydb.c9akciq32abc.useast1.rds.amazonaws.com", .invalidRegion, "region without hyphens"),
        Rejected("mydb.c9akciq32abc.us-est-1.rds.amazonaws.com", .invalidRegion, "misspelt direction"),
        Rejected("mydb.c9akciq32abc.usa-east-1.rds.amazonaws.com", .invalidRegion, "three-letter area"),
        Rejected("mydb.c9akciq32abc.us-east-01.rds.amazonaws.com", .invalidRegion, "zero-padded number"),
        Rejected("mydb.c9akciq32abc.cn-north-1.rds.amazonaws.com", .invalidRegion, "China region on .com"),
        Rejected("mydb.c9akciq32abc.us-east-1.rds.amazonaws.com.cn", .invalidRegion, "US region on .com.cn"),
        Rejected("mydb.c9akciq32abc.us-iso-east-1.rds.amazonaws.com", .invalidRegion, "isolated partition"),
        Rejected("mydb.c9akciq32abc.rds.amazonaws.com", .invalidRegion, "hash where the region belongs"),
        // Identifiers.
        Rejected("1mydb.c9akciq32abc.us-east-1.rds.amazonaws.com", .invalidIdentifier, "starts with a digit"),
        Rejected("-mydb.c9akciq32abc.us-east-1.rds.amazonaws.com", .invalidIdentifier, "starts with a hyphen"),
        Rejected("my--db.cluster-c9akciq32abc.us-east-1.rds.amazonaws.com", .invalidIdentifier, "double hyphen"),
        Rejected("mydb-.proxy-c9akciq32abc.us-east-1.rds.amazonaws.com", .invalidIdentifier, "trailing hyphen"),
        Rejected("\(longestIdentifier)c.c9akciq32abc.us-east-1.rds.amazonaws.com", .invalidIdentifier, "64-char identifier"),
        Rejected("2nd--.endpoint.proxy-c9akciq32abc.us-east-1.rds.amazonaws.com", .invalidIdentifier, "bad proxy endpoint name"),
        Rejected("1warehouse.abc123xyz789.us-east-1.redshift.amazonaws.com", .invalidIdentifier, "Redshift cluster starts with a digit"),
        Rejected("wg.123456789012.us-east-1.redshift-serverless.amazonaws.com", .invalidIdentifier, "2-char workgroup"),
        Rejected("\(longestWorkgroup)w.123456789012.us-east-1.redshift-serverless.amazonaws.com", .invalidIdentifier, "65-char workgroup"),
    ]

    @Test("rejects", arguments: Self.rejected)
    func rejects(_ testCase: Rejected) {
        let error = #expect(throws: DatabaseEndpointError.self) {
            try DatabaseEndpoint.parse(testCase.input)
        }
        #expect(error?.code == testCase.code, "\(error?.description ?? "no error")")
        #expect(error?.hostname == testCase.input)
        #expect(error?.description.contains(testCase.input) == true)
        #expect(error?.reason.isEmpty == false)
    }

    @Test func errorCodesDescribeThemselves() {
        let codes: [DatabaseEndpointError.Code] = [
            .notAnAWSDatabaseHost, .malformedHost, .invalidRegion, .invalidIdentifier,
        ]
        #expect(Set(codes.map(\.description)).count == codes.count)
        #expect(DatabaseEndpointError.Code.invalidRegion.description == "invalidRegion")
    }
}
