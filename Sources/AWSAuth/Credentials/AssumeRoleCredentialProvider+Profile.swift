/// The profile form: `role_arn` with `source_profile` or `credential_source`, as botocore's
/// `AssumeRoleProvider._get_role_config` / `_resolve_source_credentials` read them.
extension AssumeRoleCredentialProvider {
    /// The names `credential_source` takes (botocore's `CANONICAL_NAME`s).
    static let credentialSources = ["Environment", "Ec2InstanceMetadata", "EcsContainer"]

    /// Assumes the role of `profileName`, whose `role_arn` is set. `visited` is the
    /// `source_profile` path so far, the selected profile first.
    func assumeProfileRole(_ profileName: String, _ context: CredentialContext, visited: [String]) async throws -> AWSCredentials {
        let profile = context.files.profile(profileName) ?? [:]
        let roleARN = profile["role_arn"] ?? ""
        let origin = "\(name) (profile \(profileName))"
        var durationSeconds: Int?
        if let text = profile["duration_seconds"], !text.isEmpty {
            guard let value = Int(text), value > 0 else {
                throw CredentialError(
                    code: .invalidProfile, source: origin,
                    message: "duration_seconds = \(text.prefix(40)) is not a whole number of seconds (STS takes 900 to 43200)"
                )
            }
            durationSeconds = value
        }
        let sourceCredentials: AWSCredentials
        switch (profile["source_profile"].flatMap(nonEmpty), profile["credential_source"].flatMap(nonEmpty)) {
        case (.some, .some):
            throw CredentialError(
                code: .invalidProfile, source: origin,
                message: "The profile \"\(profileName)\" contains both source_profile and credential_source; keep one"
            )
        case (nil, nil):
            throw CredentialError(
                code: .partialCredentials, source: origin,
                message: "Partial credentials found in assume-role, missing: source_profile or credential_source "
                    + "(profile \(profileName) sets role_arn)"
            )
        case (nil, .some(let sourceName)):
            sourceCredentials = try await credentials(fromSource: sourceName, profileName: profileName, context)
        case (.some(let sourceProfile), nil):
            sourceCredentials = try await credentials(fromProfile: sourceProfile, of: profileName, context, visited: visited)
        }
        return try await callAssumeRole(
            credentials: sourceCredentials, roleARN: roleARN, sessionName: profile["role_session_name"].flatMap(nonEmpty),
            externalID: profile["external_id"].flatMap(nonEmpty), durationSeconds: durationSeconds,
            context: context, source: origin
        )
    }

    // MARK: credential_source

    func credentials(fromSource sourceName: String, profileName: String, _ context: CredentialContext) async throws -> AWSCredentials {
        let origin = "\(name) (profile \(profileName))"
        let provider: any CredentialProvider
        var sourceContext = context
        switch sourceName {
        case "Environment":
            provider = EnvironmentCredentialProvider()
            // botocore's credential sourcer reads the variables even under `--profile`.
            sourceContext = CredentialContext(
                environment: context.environment, profileName: context.profileName, profileIsExplicit: false, files: context.files
            )
        case "Ec2InstanceMetadata":
            provider = InstanceMetadataCredentialProvider(transport: transport)
        case "EcsContainer":
            provider = ContainerCredentialProvider(transport: transport)
        default:
            throw CredentialError(
                code: .invalidProfile, source: origin,
                message: "The credential source \"\(sourceName)\" referenced in profile \"\(profileName)\" is not valid; "
                    + "use one of \(Self.credentialSources.joined(separator: ", "))"
            )
        }
        switch try await provider.resolve(sourceContext) {
        case .found(let credentials):
            return credentials
        case .notFound(let reason):
            throw CredentialError(
                code: .credentialRetrieval, source: origin,
                message: "No credentials found in credential_source \(sourceName) referenced in profile \(profileName): \(reason)"
            )
        }
    }

    // MARK: source_profile

    func credentials(
        fromProfile sourceName: String, of profileName: String, _ context: CredentialContext, visited: [String]
    ) async throws -> AWSCredentials {
        let files = context.files
        guard let source = files.profile(sourceName) else {
            throw CredentialError(
                code: .invalidProfile, source: "profile \(profileName)",
                message: "source_profile \(sourceName) does not exist in \(files.configPath) or \(files.credentialsPath); "
                    + "add a [profile \(sourceName)] section or fix the name"
            )
        }
        let hasStaticKeys = source["aws_access_key_id"] != nil || source["aws_secret_access_key"] != nil
        if visited.contains(sourceName), !(sourceName == profileName && hasStaticKeys) {
            // A profile may name itself to take its own keys; any other revisit is a loop.
            let path = (visited + [sourceName]).joined(separator: " -> ")
            throw CredentialError(
                code: .invalidProfile, source: "profile \(profileName)",
                message: "Infinite loop in credential configuration detected: source_profile \(sourceName) was already "
                    + "visited (\(path)); end the chain at a profile with keys or credential_source"
            )
        }
        let assumesRole = source["role_arn"] != nil && source["web_identity_token_file"] == nil
        guard hasStaticKeys || !assumesRole else {
            return try await assumeProfileRole(sourceName, context, visited: visited + [sourceName])
        }
        // botocore's profile providers for the source profile, the environment left out.
        let sourceContext = CredentialContext(
            environment: context.environment, profileName: sourceName, profileIsExplicit: true, files: files
        )
        let providers: [any CredentialProvider] = [
            WebIdentityCredentialProvider(transport: transport, retry: retry),
            ProfileKeysCredentialProvider(.sharedCredentials),
            ProcessCredentialProvider(),
            ProfileKeysCredentialProvider(.config),
        ]
        var reasons: [String] = []
        for provider in providers {
            switch try await provider.resolve(sourceContext) {
            case .found(let credentials): return credentials
            case .notFound(let reason): reasons.append(reason)
            }
        }
        throw CredentialError(
            code: .invalidProfile, source: "profile \(profileName)",
            message: "The source profile \"\(sourceName)\" must have credentials (keys, credential_process, "
                + "web_identity_token_file or role_arn); found none: \(reasons.joined(separator: "; "))"
        )
    }
}

private func nonEmpty(_ value: String) -> String? { value.isEmpty ? nil : value }
