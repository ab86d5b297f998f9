import Foundation

/// An AWS service as endpoint configuration names it.
public struct AWSService: Sendable, Hashable {
    /// The host prefix and SigV4 signing name: `sts`, `secretsmanager`, `redshift-serverless`.
    public let endpointPrefix: String
    /// The service id of the AWS model: `STS`, `Secrets Manager`, `Redshift Serverless`.
    public let serviceID: String
    /// Global services (IAM) have one endpoint per partition, not one per region.
    public let isGlobal: Bool

    public init(endpointPrefix: String, serviceID: String, isGlobal: Bool = false) {
        self.endpointPrefix = endpointPrefix
        self.serviceID = serviceID
        self.isGlobal = isGlobal
    }

    public static let sts = AWSService(endpointPrefix: "sts", serviceID: "STS")
    public static let iam = AWSService(endpointPrefix: "iam", serviceID: "IAM", isGlobal: true)
    public static let rds = AWSService(endpointPrefix: "rds", serviceID: "RDS")
    public static let secretsManager = AWSService(endpointPrefix: "secretsmanager", serviceID: "Secrets Manager")
    public static let redshiftServerless = AWSService(endpointPrefix: "redshift-serverless", serviceID: "Redshift Serverless")

    /// `STS`, `SECRETS_MANAGER`: the suffix of `AWS_ENDPOINT_URL_<SERVICE>`.
    public var environmentSuffix: String {
        serviceID.uppercased().replacingOccurrences(of: " ", with: "_").replacingOccurrences(of: "-", with: "_")
    }

    /// `sts`, `secrets_manager`: the key in a config file `[services NAME]` section.
    var configKey: String { environmentSuffix.lowercased() }
}

/// Where requests go, read the way botocore reads it: the environment first, then the
/// selected profile, then the regional default.
///
/// https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html
public struct AWSEndpointResolver: Sendable {
    public let environment: CredentialEnvironment
    /// The selected profile's settings (both files merged); empty when it has none.
    public let profile: [String: String]
    /// The config file, for the `[services NAME]` section a profile's `services` names.
    let config: ConfigFile?

    public init(environment: CredentialEnvironment, profile: [String: String] = [:], config: ConfigFile? = nil) {
        self.environment = environment
        self.profile = profile
        self.config = config
    }

    /// The resolver for a credential resolution: its environment and its selected profile.
    public init(_ context: CredentialContext) {
        self.init(
            environment: context.environment,
            profile: context.files.profile(context.profileName) ?? [:],
            config: context.files.config
        )
    }

    /// A setting from the environment, else from the profile; empty counts as unset.
    func setting(_ variable: String, profileKey: String) -> String? {
        if let value = environment[variable] { return value }
        return profile[profileKey].flatMap { $0.isEmpty ? nil : $0 }
    }

    // MARK: Regions

    /// `AWS_REGION`, `AWS_DEFAULT_REGION`, the profile's `region`, else `us-east-1` (where
    /// STS answers for every commercial account).
    public var region: String {
        environment["AWS_REGION"] ?? environment["AWS_DEFAULT_REGION"]
            ?? profile["region"].flatMap { $0.isEmpty ? nil : $0 } ?? "us-east-1"
    }

    /// The DNS suffix of the partition a region is in.
    public static func dnsSuffix(region: String) -> String {
        if region.hasPrefix("cn-") { return "amazonaws.com.cn" }
        if region.hasPrefix("us-isob-") { return "sc2s.sgov.gov" }
        if region.hasPrefix("us-iso-") { return "c2s.ic.gov" }
        return "amazonaws.com"
    }

    // MARK: Service endpoints

    /// `AWS_ENDPOINT_URL_<SERVICE>`, then `AWS_ENDPOINT_URL`, then the profile's `services`
    /// section and `endpoint_url`, then `https://<prefix>.<region>.<suffix>`.
    /// `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true` (or the profile setting) skips the overrides.
    public func endpoint(for service: AWSService, region: String) -> String {
        configuredEndpoint(for: service) ?? Self.defaultEndpoint(for: service, region: region)
    }

    /// The user's override, if any.
    public func configuredEndpoint(for service: AWSService) -> String? {
        let ignore = setting("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", profileKey: "ignore_configured_endpoint_urls")
        if ignore?.lowercased() == "true" { return nil }
        if let url = environment["AWS_ENDPOINT_URL_\(service.environmentSuffix)"] { return url }
        if let url = environment["AWS_ENDPOINT_URL"] { return url }
        if let url = servicesSection?[service.configKey].flatMap(Self.nestedEndpointURL) { return url }
        return profile["endpoint_url"].flatMap { $0.isEmpty ? nil : $0 }
    }

    public static func defaultEndpoint(for service: AWSService, region: String) -> String {
        let suffix = dnsSuffix(region: region)
        if service.isGlobal {
            // IAM: `iam.amazonaws.com`, `iam.us-gov.amazonaws.com`, `iam.cn-north-1.amazonaws.com.cn`.
            if region.hasPrefix("us-gov-") { return "https://\(service.endpointPrefix).us-gov.\(suffix)" }
            return suffix == "amazonaws.com"
                ? "https://\(service.endpointPrefix).\(suffix)"
                : "https://\(service.endpointPrefix).\(region).\(suffix)"
        }
        return "https://\(service.endpointPrefix).\(region).\(suffix)"
    }

    /// `[services NAME]` named by the profile's `services` setting. Its keys are service names
    /// whose values are indented `endpoint_url = …` lines (ConfigFile keeps them as text).
    var servicesSection: [String: String]? {
        guard let name = profile["services"], !name.isEmpty else { return nil }
        return config?.sections["services \(name)"]
    }

    static func nestedEndpointURL(_ nested: String) -> String? {
        for line in nested.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces).lowercased() == "endpoint_url" else { continue }
            let value = parts[1].trimmingCharacters(in: .whitespaces)
            return value.isEmpty ? nil : value
        }
        return nil
    }

    // MARK: EC2 instance metadata (IMDS)

    public static let defaultInstanceMetadataEndpoint = "http://169.254.169.254"
    static let ipv6InstanceMetadataEndpoint = "http://[fd00:ec2::254]"

    /// `AWS_EC2_METADATA_DISABLED=true` turns the IMDS provider off (environment only, as in botocore).
    public var instanceMetadataDisabled: Bool {
        environment["AWS_EC2_METADATA_DISABLED"]?.lowercased() == "true"
    }

    /// `AWS_EC2_METADATA_SERVICE_ENDPOINT` / `ec2_metadata_service_endpoint`, else the IPv4
    /// address (or the IPv6 one with endpoint mode `IPv6`).
    public var instanceMetadataEndpoint: String {
        if let url = setting("AWS_EC2_METADATA_SERVICE_ENDPOINT", profileKey: "ec2_metadata_service_endpoint") {
            return url.hasSuffix("/") ? String(url.dropLast()) : url
        }
        let mode = setting("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", profileKey: "ec2_metadata_service_endpoint_mode")
        return mode?.lowercased() == "ipv6" ? Self.ipv6InstanceMetadataEndpoint : Self.defaultInstanceMetadataEndpoint
    }

    /// `AWS_EC2_METADATA_V1_DISABLED` / `ec2_metadata_v1_disabled`: no tokenless fallback.
    public var instanceMetadataV1Disabled: Bool {
        setting("AWS_EC2_METADATA_V1_DISABLED", profileKey: "ec2_metadata_v1_disabled")?.lowercased() == "true"
    }

    // MARK: ECS / EKS container credentials

    public static let containerCredentialsHost = "169.254.170.2"

    /// Where the container credentials are, and which variable said so; nil when neither
    /// `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` nor `…_FULL_URI` is set (the relative one wins).
    public var containerCredentialsEndpoint: (url: String, variable: String)? {
        if let relative = environment["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"] {
            let path = relative.hasPrefix("/") ? relative : "/" + relative
            return ("http://\(Self.containerCredentialsHost)\(path)", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")
        }
        if let full = environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"] {
            return (full, "AWS_CONTAINER_CREDENTIALS_FULL_URI")
        }
        return nil
    }

    /// Where the `Authorization` value comes from: the file wins over the literal token.
    public enum ContainerAuthorization: Sendable, Equatable {
        case none
        case token(String)
        case tokenFile(path: String)
    }

    public var containerAuthorization: ContainerAuthorization {
        if let path = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] { return .tokenFile(path: path) }
        if let token = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN"] { return .token(token) }
        return .none
    }
}
