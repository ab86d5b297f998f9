import Foundation

/// A Secrets Manager secret with its versions and their staging labels.
public struct MockSecret: Sendable, Equatable {
    public struct Version: Sendable, Equatable {
        /// A UUID: the `ClientRequestToken` the version was created with.
        public var id: String
        public var secretString: String?
        /// Base64, as the JSON protocol carries blobs.
        public var secretBinary: String?
        /// `AWSCURRENT`, `AWSPREVIOUS`, `AWSPENDING` or custom labels; empty when deprecated.
        public var stages: [String]
        public var createdAt: Date

        public init(id: String, secretString: String? = nil, secretBinary: String? = nil, stages: [String], createdAt: Date) {
            self.id = id
            self.secretString = secretString
            self.secretBinary = secretBinary
            self.stages = stages
            self.createdAt = createdAt
        }

        func sameValue(string: String?, binary: String?) -> Bool {
            secretString == string && secretBinary == binary
        }
    }

    public var name: String
    public var accountID: String
    public var region: String
    /// `arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 random characters>`.
    public var arn: String
    public var description: String?
    public var tags: [MockTag]
    public var versions: [Version]
    public var createdAt: Date
    public var lastChangedAt: Date
    /// Secrets Manager keeps the day only.
    public var lastAccessedAt: Date?

    public init(
        name: String, accountID: String, region: String, arnSuffix: String = MockSecret.randomSuffix(), description: String? = nil,
        tags: [MockTag] = [], versions: [Version] = [], createdAt: Date
    ) {
        self.name = name
        self.accountID = accountID
        self.region = region
        arn = "arn:aws:secretsmanager:\(region):\(accountID):secret:\(name)-\(arnSuffix)"
        self.description = description
        self.tags = tags
        self.versions = versions
        self.createdAt = createdAt
        lastChangedAt = createdAt
    }

    public static func randomSuffix() -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        return String((0..<6).map { _ in alphabet.randomElement()! })
    }

    /// The ARN without its random suffix, which Secrets Manager also accepts as `SecretId`.
    public var partialARN: String { "arn:aws:secretsmanager:\(region):\(accountID):secret:\(name)" }

    public func version(stage: String) -> Version? {
        versions.first { $0.stages.contains(stage) }
    }

    /// `VersionIdsToStages` / `SecretVersionsToStages`: versions that still carry a label.
    public var versionsToStages: [String: [String]] {
        Dictionary(uniqueKeysWithValues: versions.filter { !$0.stages.isEmpty }.map { ($0.id, $0.stages) })
    }

    /// Adds a version holding `stages`, moving each label off the version that had it; a new
    /// `AWSCURRENT` turns the old current version into `AWSPREVIOUS`.
    mutating func addVersion(_ version: Version) {
        let previousCurrent = version.stages.contains("AWSCURRENT") ? self.version(stage: "AWSCURRENT")?.id : nil
        for index in versions.indices {
            versions[index].stages.removeAll { version.stages.contains($0) }
            if previousCurrent != nil { versions[index].stages.removeAll { $0 == "AWSPREVIOUS" } }
            if versions[index].id == previousCurrent { versions[index].stages.append("AWSPREVIOUS") }
        }
        versions.append(version)
        lastChangedAt = version.createdAt
    }
}
