import Testing
@testable import AWSAuth

@Suite("Endpoint resolution as botocore reads the overrides")
struct EndpointResolverTests {
    struct Row: Sendable, CustomTestStringConvertible {
        let variables: [String: String]
        let service: AWSService
        let region: String
        let expected: String
        var testDescription: String { "\(service.serviceID) \(region) \(variables.keys.sorted()) → \(expected)" }
    }

    static let rows: [Row] = [
        Row(variables: [:], service: .sts, region: "us-west-2", expected: "https://sts.us-west-2.amazonaws.com"),
        Row(variables: [:], service: .sts, region: "cn-north-1", expected: "https://sts.cn-north-1.amazonaws.com.cn"),
        Row(variables: [:], service: .rds, region: "eu-central-1", expected: "https://rds.eu-central-1.amazonaws.com"),
        Row(variables: [:], service: .iam, region: "us-east-1", expected: "https://iam.amazonaws.com"),
        Row(variables: [:], service: .iam, region: "cn-northwest-1", expected: "https://iam.cn-northwest-1.amazonaws.com.cn"),
        Row(variables: [:], service: .iam, region: "us-gov-west-1", expected: "https://iam.us-gov.amazonaws.com"),
        Row(variables: [:], service: .secretsManager, region: "ap-southeast-2", expected: "https://secretsmanager.ap-southeast-2.amazonaws.com"),
        Row(variables: [:], service: .redshiftServerless, region: "us-east-2", expected: "https://redshift-serverless.us-east-2.amazonaws.com"),
        // Global beats the default.
        Row(variables: ["AWS_ENDPOINT_URL": "http://localhost:4566"], service: .sts, region: "us-west-2", expected: "http://localhost:4566"),
        // Service-specific beats global.
        Row(variables: ["AWS_ENDPOINT_URL": "http://localhost:4566", "AWS_ENDPOINT_URL_STS": "http://localhost:5000"],
            service: .sts, region: "us-west-2", expected: "http://localhost:5000"),
        Row(variables: ["AWS_ENDPOINT_URL": "http://localhost:4566", "AWS_ENDPOINT_URL_STS": "http://localhost:5000"],
            service: .rds, region: "us-west-2", expected: "http://localhost:4566"),
        Row(variables: ["AWS_ENDPOINT_URL_IAM": "http://iam.lab:1"], service: .iam, region: "us-east-1", expected: "http://iam.lab:1"),
        Row(variables: ["AWS_ENDPOINT_URL_RDS": "http://rds.lab:1"], service: .rds, region: "us-east-1", expected: "http://rds.lab:1"),
        Row(variables: ["AWS_ENDPOINT_URL_SECRETS_MANAGER": "http://sm.lab:1"], service: .secretsManager, region: "us-east-1", expected: "http://sm.lab:1"),
        Row(variables: ["AWS_ENDPOINT_URL_REDSHIFT_SERVERLESS": "http://rs.lab:1"], service: .redshiftServerless, region: "us-east-1", expected: "http://rs.lab:1"),
        // Empty counts as unset.
        Row(variables: ["AWS_ENDPOINT_URL_STS": "", "AWS_ENDPOINT_URL": ""], service: .sts, region: "us-east-1", expected: "https://sts.us-east-1.amazonaws.com"),
        Row(variables: ["AWS_ENDPOINT_URL_STS": "http://x", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"],
            service: .sts, region: "us-east-1", expected: "https://sts.us-east-1.amazonaws.com"),
    ]

    @Test(arguments: rows)
    func endpoint(_ row: Row) {
        let resolver = AWSEndpointResolver(environment: CredentialEnvironment(variables: row.variables, homeDirectory: "/nonexistent"))
        #expect(resolver.endpoint(for: row.service, region: row.region) == row.expected)
    }

    @Test func environmentVariableNames() {
        #expect([AWSService.sts, .iam, .rds, .secretsManager, .redshiftServerless].map(\.environmentSuffix)
            == ["STS", "IAM", "RDS", "SECRETS_MANAGER", "REDSHIFT_SERVERLESS"])
    }

    @Test func profileEndpointURLAndServicesSection() throws {
        let config = try ConfigFile.parse("""
            [profile lab]
            endpoint_url = http://profile.lab:1
            services = lab-services
            [services lab-services]
            sts =
              endpoint_url = http://sts.lab:2
            """, path: "config")
        let profile = config.sections["profile lab"]!
        let environment = CredentialEnvironment(variables: [:], homeDirectory: "/nonexistent")
        let resolver = AWSEndpointResolver(environment: environment, profile: profile, config: config)
        #expect(resolver.endpoint(for: .sts, region: "us-east-1") == "http://sts.lab:2")
        #expect(resolver.endpoint(for: .rds, region: "us-east-1") == "http://profile.lab:1")
        let overridden = AWSEndpointResolver(
            environment: CredentialEnvironment(variables: ["AWS_ENDPOINT_URL": "http://env:3"], homeDirectory: "/nonexistent"),
            profile: profile, config: config
        )
        #expect(overridden.endpoint(for: .sts, region: "us-east-1") == "http://env:3")
    }

    @Test func regionOrder() {
        func region(_ variables: [String: String], profile: [String: String] = [:]) -> String {
            AWSEndpointResolver(environment: CredentialEnvironment(variables: variables, homeDirectory: "/nonexistent"), profile: profile).region
        }
        #expect(region([:]) == "us-east-1")
        #expect(region([:], profile: ["region": "eu-west-1"]) == "eu-west-1")
        #expect(region(["AWS_DEFAULT_REGION": "ap-south-1"], profile: ["region": "eu-west-1"]) == "ap-south-1")
        #expect(region(["AWS_REGION": "sa-east-1", "AWS_DEFAULT_REGION": "ap-south-1"], profile: ["region": "eu-west-1"]) == "sa-east-1")
    }

    @Test func metadataAndContainerSettings() {
        func resolver(_ variables: [String: String]) -> AWSEndpointResolver {
            AWSEndpointResolver(environment: CredentialEnvironment(variables: variables, homeDirectory: "/nonexistent"))
        }
        #expect(resolver([:]).instanceMetadataEndpoint == "http://169.254.169.254")
        #expect(resolver(["AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:1338/"]).instanceMetadataEndpoint == "http://127.0.0.1:1338")
        #expect(resolver(["AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE": "IPv6"]).instanceMetadataEndpoint == "http://[fd00:ec2::254]")
        #expect(resolver(["AWS_EC2_METADATA_DISABLED": "TRUE"]).instanceMetadataDisabled)
        #expect(!resolver(["AWS_EC2_METADATA_DISABLED": "false"]).instanceMetadataDisabled)
        #expect(resolver([:]).containerCredentialsEndpoint == nil)
        let relative = resolver(["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/creds", "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://localhost/x"])
        #expect(relative.containerCredentialsEndpoint?.url == "http://169.254.170.2/v2/creds")
        #expect(resolver(["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://localhost/x"]).containerCredentialsEndpoint?.variable == "AWS_CONTAINER_CREDENTIALS_FULL_URI")
        #expect(resolver(["AWS_CONTAINER_AUTHORIZATION_TOKEN": "t", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": "/f"]).containerAuthorization == .tokenFile(path: "/f"))
        #expect(resolver(["AWS_CONTAINER_AUTHORIZATION_TOKEN": "t"]).containerAuthorization == .token("t"))
    }
}
