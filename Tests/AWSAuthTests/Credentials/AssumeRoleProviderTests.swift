import Foundation
import TestSupport
import Testing
@testable import AWSAuth

@Suite("assume-role: profiles, chains, credential_source")
struct AssumeRoleProviderTests {
    static let devRole = "arn:aws:iam::222222222222:role/db"
    static let midRole = "arn:aws:iam::333333333333:role/hop"

    static func chain(_ transport: FakeAWSTransport) -> CredentialProviderChain {
        .standard(network: .live(transport: transport, retry: .instant()))
    }

    @Test func sourceProfileSignsTheRequestAndSendsEveryParameter() async throws {
        let world = try CredentialWorld(["AWS_ENDPOINT_URL_STS": "http://127.0.0.1:4566", "AWS_ENDPOINT_URL": "http://127.0.0.1:9"])
        try world.config("""
            [profile dev]
            role_arn = \(Self.devRole)
            source_profile = base
            external_id = partner-7
            role_session_name = alice-tunnel
            duration_seconds = 1800
            region = eu-west-1
            [profile base]
            aws_access_key_id = AKIABASEEXAMPLE
            aws_secret_access_key = base-secret
            """)
        let transport = FakeAWSTransport { _ in Canned.assumeRole() }
        let credentials = try await world.resolve(profile: "dev", chain: Self.chain(transport))
        #expect(credentials.accessKeyID == "ASIAASSUMEDEXAMPLE")
        #expect(credentials.sessionToken == "assumed-token")
        #expect(credentials.expiration == ISO8601DateFormatter().date(from: Canned.expiration))

        let request = try #require(transport.requests.first)
        #expect(transport.requests.count == 1)
        #expect(request.method == "POST")
        #expect(request.url == "http://127.0.0.1:4566/")
        #expect(request.form == [
            "Action": "AssumeRole", "Version": "2011-06-15", "RoleArn": Self.devRole,
            "RoleSessionName": "alice-tunnel", "ExternalId": "partner-7", "DurationSeconds": "1800",
        ])
        let authorization = try #require(request.header("Authorization"))
        #expect(authorization.hasPrefix("AWS4-HMAC-SHA256 Credential=AKIABASEEXAMPLE/"))
        #expect(authorization.contains("/eu-west-1/sts/aws4_request"))
        #expect(request.header("X-Amz-Security-Token") == nil)
        try expectValidSignature(request, credentials: AWSCredentials(accessKeyID: "AKIABASEEXAMPLE", secretAccessKey: "base-secret"))
    }

    @Test func twoProfileHopsUseEachRolesCredentialsInTurn() async throws {
        let world = try CredentialWorld()
        try world.config("""
            [profile dev]
            role_arn = \(Self.devRole)
            source_profile = mid
            [profile mid]
            role_arn = \(Self.midRole)
            source_profile = base
            [profile base]
            aws_access_key_id = AKIABASEEXAMPLE
            aws_secret_access_key = base-secret
            """)
        let transport = FakeAWSTransport { request in
            request.form["RoleArn"] == Self.midRole
                ? Canned.assumeRole(keyID: "ASIAMIDEXAMPLE", secret: "mid-secret", token: "mid-token")
                : Canned.assumeRole(keyID: "ASIAFINALEXAMPLE")
        }
        let credentials = try await world.resolve(profile: "dev", chain: Self.chain(transport))
        #expect(credentials.accessKeyID == "ASIAFINALEXAMPLE")
        let requests = transport.requests
        try #require(requests.count == 2)
        #expect(requests[0].form["RoleArn"] == Self.midRole)
        #expect(requests[0].header("Authorization")?.contains("Credential=AKIABASEEXAMPLE/") == true)
        #expect(requests[1].form["RoleArn"] == Self.devRole)
        #expect(requests[1].header("Authorization")?.contains("Credential=ASIAMIDEXAMPLE/") == true)
        #expect(requests[1].header("X-Amz-Security-Token") == "mid-token")
        #expect(requests[1].form["RoleSessionName"]?.hasPrefix("botocore-session-") == true)
        #expect(requests[0].url == "https://sts.us-east-1.amazonaws.com/")
        try expectValidSignature(requests[1], credentials: AWSCredentials(accessKeyID: "ASIAMIDEXAMPLE", secretAccessKey: "mid-secret", sessionToken: "mid-token"))
    }

    @Test func sourceProfileCycleIsAnErrorNamingThePath() async throws {
        let world = try CredentialWorld()
        try world.config("""
            [profile dev]
            role_arn = \(Self.devRole)
            source_profile = ops
            [profile ops]
            role_arn = \(Self.midRole)
            source_profile = dev
            """)
        let transport = FakeAWSTransport { _ in Canned.assumeRole() }
        let error = try #require(await world.error(profile: "dev", chain: Self.chain(transport)))
        #expect(error.code == .invalidProfile)
        #expect(error.description.contains("Infinite loop in credential configuration detected"))
        #expect(error.description.contains("dev -> ops -> dev"))
        #expect(transport.requests.isEmpty)
    }

    @Test func missingSourceProfileIsAnErrorNamingIt() async throws {
        let world = try CredentialWorld()
        try world.config("[profile dev]\nrole_arn = \(Self.devRole)\nsource_profile = base\n")
        let error = try #require(await world.error(profile: "dev", chain: Self.chain(FakeAWSTransport { _ in Canned.assumeRole() })))
        #expect(error.code == .invalidProfile)
        #expect(error.description.contains(
            "profile dev: source_profile base does not exist in \(world.home.path)/.aws/config or \(world.home.path)/.aws/credentials"
        ))
    }

    @Test func bothSourceProfileAndCredentialSourceIsAnError() async throws {
        let world = try CredentialWorld()
        try world.config("""
            [profile dev]
            role_arn = \(Self.devRole)
            source_profile = base
            credential_source = Environment
            [profile base]
            aws_access_key_id = AKIABASEEXAMPLE
            aws_secret_access_key = base-secret
            """)
        let error = try #require(await world.error(profile: "dev", chain: Self.chain(FakeAWSTransport { _ in Canned.assumeRole() })))
        #expect(error.code == .invalidProfile)
        #expect(error.description.contains("contains both source_profile and credential_source"))
    }

    @Test func credentialSourceEnvironmentReadsTheVariablesEvenUnderProfile() async throws {
        let world = try CredentialWorld(["AWS_ACCESS_KEY_ID": "AKIAENVEXAMPLE", "AWS_SECRET_ACCESS_KEY": "env-secret"])
        try world.config("[profile dev]\nrole_arn = \(Self.devRole)\ncredential_source = Environment\n")
        let transport = FakeAWSTransport { _ in Canned.assumeRole() }
        #expect(try await world.resolve(profile: "dev", chain: Self.chain(transport)).accessKeyID == "ASIAASSUMEDEXAMPLE")
        #expect(transport.requests.first?.header("Authorization")?.contains("Credential=AKIAENVEXAMPLE/") == true)
    }

    @Test func credentialSourceEcsContainerUsesTheTaskRole() async throws {
        let world = try CredentialWorld(["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/task"])
        try world.config("[default]\nrole_arn = \(Self.devRole)\ncredential_source = EcsContainer\n")
        let transport = FakeAWSTransport { request in
            request.method == "GET" ? Canned.metadataCredentials() : Canned.assumeRole()
        }
        #expect(try await world.resolve(chain: Self.chain(transport)).accessKeyID == "ASIAASSUMEDEXAMPLE")
        #expect(transport.calls == ["GET /v2/credentials/task", "POST /"])
        #expect(transport.requests[1].header("X-Amz-Security-Token") == "metadata-token")
    }

    @Test func unknownCredentialSourceNamesTheValidOnes() async throws {
        let world = try CredentialWorld()
        try world.config("[default]\nrole_arn = \(Self.devRole)\ncredential_source = Ec2Metadata\n")
        let error = try #require(await world.error(chain: Self.chain(FakeAWSTransport { _ in Canned.assumeRole() })))
        #expect(error.description.contains("The credential source \"Ec2Metadata\" referenced in profile \"default\" is not valid"))
        #expect(error.description.contains("Environment, Ec2InstanceMetadata, EcsContainer"))
    }

    @Test func profileMayNameItselfToUseItsOwnKeys() async throws {
        let world = try CredentialWorld()
        try world.credentials("""
            [default]
            role_arn = \(Self.devRole)
            source_profile = default
            aws_access_key_id = AKIASELFEXAMPLE
            aws_secret_access_key = self-secret
            """)
        let transport = FakeAWSTransport { _ in Canned.assumeRole() }
        #expect(try await world.resolve(chain: Self.chain(transport)).accessKeyID == "ASIAASSUMEDEXAMPLE")
        #expect(transport.requests.first?.header("Authorization")?.contains("Credential=AKIASELFEXAMPLE/") == true)
    }

    @Test func accessDeniedIsReportedAsSTSSaysItAndNotRetried() async throws {
        let world = try CredentialWorld()
        try world.config("[profile dev]\nrole_arn = \(Self.devRole)\nsource_profile = base\n[profile base]\naws_access_key_id = AKIABASEEXAMPLE\naws_secret_access_key = base-secret\n")
        let denial = "User: arn:aws:iam::111111111111:user/alice is not authorized to perform: sts:AssumeRole on resource: \(Self.devRole)"
        let transport = FakeAWSTransport { _ in Canned.stsError("AccessDenied", denial, status: 403) }
        let error = try #require(await world.error(profile: "dev", chain: Self.chain(transport)))
        #expect(error.code == .credentialRetrieval)
        #expect(error.message == "AccessDenied: \(denial)")
        #expect(error.description == "CredentialRetrievalError: assume-role (profile dev): AccessDenied: \(denial)")
        #expect((error.underlying as? STSError)?.httpStatus == 403)
        #expect(transport.requests.count == 1)
    }

    // MARK: Chained (--assume-role-arn)

    @Test func chainedRoleSendsExternalIDOnTheFirstHopOnly() async throws {
        let world = try CredentialWorld()
        let transport = FakeAWSTransport { request in
            request.form["RoleArn"] == Self.midRole
                ? Canned.assumeRole(keyID: "ASIAMIDEXAMPLE", secret: "mid-secret", token: "mid-token")
                : Canned.assumeRole(keyID: "ASIAFINALEXAMPLE")
        }
        let ambient = StaticCredentialProvider(AWSCredentials(accessKeyID: "AKIAAMBIENTEXAMPLE", secretAccessKey: "ambient-secret"))
        let first = AssumeRoleProvider.chained(source: ambient, roleARN: Self.midRole, externalID: "partner-7", sessionName: "tunnel", transport: transport, retry: .instant())
        let second = AssumeRoleProvider.chained(source: first, roleARN: Self.devRole, transport: transport, retry: .instant())
        let credentials = try await world.resolve(chain: CredentialProviderChain([second]))
        #expect(credentials.accessKeyID == "ASIAFINALEXAMPLE")
        let forms = transport.requests.map(\.form)
        #expect(forms.map { $0["RoleArn"] } == [Self.midRole, Self.devRole])
        #expect(forms.map { $0["ExternalId"] } == ["partner-7", nil])
        #expect(forms.map { $0["DurationSeconds"] } == [nil, nil])
        #expect(forms[0]["RoleSessionName"] == "tunnel")
        #expect(transport.requests[1].header("Authorization")?.contains("Credential=ASIAMIDEXAMPLE/") == true)
    }

    @Test func aThirdHopOrAnExternalIDOnTheSecondIsRefused() async throws {
        let world = try CredentialWorld()
        let transport = FakeAWSTransport { _ in Canned.assumeRole() }
        let ambient = StaticCredentialProvider(AWSCredentials(accessKeyID: "AKIAAMBIENTEXAMPLE", secretAccessKey: "s"))
        let one = AssumeRoleProvider.chained(source: ambient, roleARN: Self.midRole, transport: transport)
        let two = AssumeRoleProvider.chained(source: one, roleARN: Self.devRole, transport: transport)
        let three = AssumeRoleProvider.chained(source: two, roleARN: Self.devRole, transport: transport)
        let thirdHop = try #require(await world.error(chain: CredentialProviderChain([three])))
        #expect(thirdHop.description.contains("at most two roles can be chained"))
        let late = AssumeRoleProvider.chained(source: one, roleARN: Self.devRole, externalID: "x", transport: transport)
        let lateExternalID = try #require(await world.error(chain: CredentialProviderChain([late])))
        #expect(lateExternalID.description.contains("external id is only sent on the first hop"))
        #expect(transport.requests.isEmpty)
    }

    @Test func chainedWithoutSourceCredentialsListsWhatTheSourceFound() async throws {
        let world = try CredentialWorld()
        let chained = AssumeRoleProvider.chained(
            source: CredentialProviderChain([EnvironmentCredentialProvider()]), roleARN: Self.devRole,
            transport: FakeAWSTransport { _ in Canned.assumeRole() }
        )
        let error = try #require(await world.error(chain: CredentialProviderChain([chained])))
        #expect(error.code == .noCredentialProviders)
        #expect(error.description.contains("env: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set"))
    }
}

/// Recomputes the SigV4 signature of a recorded request and compares it with the one sent.
func expectValidSignature(_ request: AWSHTTPRequest, credentials: AWSCredentials, region: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let amzDate = try #require(request.header("X-Amz-Date"), sourceLocation: sourceLocation)
    let date = try #require(AmzDate.parse(amzDate), sourceLocation: sourceLocation)
    let authorization = try #require(request.header("Authorization"), sourceLocation: sourceLocation)
    let scope = authorization.split(separator: "/")
    let signer = SigV4Signer(credentials: credentials, region: region ?? String(scope[2]), service: "sts")
    let unsigned = request.headers.filter { !["authorization", "x-amz-date", "x-amz-security-token"].contains($0.name.lowercased()) }
    let path = URL(string: request.url)?.path ?? "/"
    let expected = signer.signHeaders(SigV4Request(method: request.method, path: path.isEmpty ? "/" : path, headers: unsigned, body: request.body), date: date)
    #expect(expected.headersToAdd.last?.value == authorization, sourceLocation: sourceLocation)
}
