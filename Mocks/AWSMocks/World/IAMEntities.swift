import Foundation

/// An IAM user as the mock keeps it.
public struct MockUser: Sendable, Equatable {
    public var name: String
    public var accountID: String
    public var accessKeys: [MockAccessKey]
    /// Inline policies by name (JSON text as given).
    public var inlinePolicies: [String: String]
    public var attachedPolicyARNs: [String]
    public var groups: [String]
    public var permissionsBoundaryARN: String?

    public init(
        name: String, accountID: String, accessKeys: [MockAccessKey] = [], inlinePolicies: [String: String] = [:],
        attachedPolicyARNs: [String] = [], groups: [String] = [], permissionsBoundaryARN: String? = nil
    ) {
        self.name = name
        self.accountID = accountID
        self.accessKeys = accessKeys
        self.inlinePolicies = inlinePolicies
        self.attachedPolicyARNs = attachedPolicyARNs
        self.groups = groups
        self.permissionsBoundaryARN = permissionsBoundaryARN
    }

    public var arn: String { "arn:aws:iam::\(accountID):user/\(name)" }
}

public struct MockAccessKey: Sendable, Equatable {
    public var id: String
    public var secret: String
    public var active: Bool

    public init(id: String, secret: String, active: Bool = true) {
        self.id = id
        self.secret = secret
        self.active = active
    }
}

public struct MockRole: Sendable, Equatable {
    public var name: String
    public var accountID: String
    /// The trust (assume-role) policy, JSON.
    public var trustPolicy: String
    public var inlinePolicies: [String: String]
    public var attachedPolicyARNs: [String]
    public var permissionsBoundaryARN: String?
    /// Seconds; 3600 by default, up to 43200.
    public var maxSessionDuration: Int

    public init(
        name: String, accountID: String, trustPolicy: String, inlinePolicies: [String: String] = [:],
        attachedPolicyARNs: [String] = [], permissionsBoundaryARN: String? = nil, maxSessionDuration: Int = 3600
    ) {
        self.name = name
        self.accountID = accountID
        self.trustPolicy = trustPolicy
        self.inlinePolicies = inlinePolicies
        self.attachedPolicyARNs = attachedPolicyARNs
        self.permissionsBoundaryARN = permissionsBoundaryARN
        self.maxSessionDuration = maxSessionDuration
    }

    public var arn: String { "arn:aws:iam::\(accountID):role/\(name)" }
}

public struct MockGroup: Sendable, Equatable {
    public var name: String
    public var accountID: String
    public var inlinePolicies: [String: String]
    public var attachedPolicyARNs: [String]

    public init(name: String, accountID: String, inlinePolicies: [String: String] = [:], attachedPolicyARNs: [String] = []) {
        self.name = name
        self.accountID = accountID
        self.inlinePolicies = inlinePolicies
        self.attachedPolicyARNs = attachedPolicyARNs
    }

    public var arn: String { "arn:aws:iam::\(accountID):group/\(name)" }
}

public struct MockManagedPolicy: Sendable, Equatable {
    public var arn: String
    public var document: String

    public init(arn: String, document: String) {
        self.arn = arn
        self.document = document
    }
}

/// Temporary credentials STS issued: real keys the rest of the mock honours until expiry.
public struct MockSession: Sendable, Equatable {
    public var accessKeyID: String
    public var secret: String
    public var token: String
    public var expiration: Date
    public var roleARN: String
    public var accountID: String
    public var sessionName: String
    /// Assumed by a role session (role chaining): capped at one hour.
    public var chained: Bool

    /// `arn:aws:sts::<account>:assumed-role/<role>/<session>`.
    public var assumedRoleARN: String {
        let roleName = roleARN.split(separator: "/").last.map(String.init) ?? roleARN
        return "arn:aws:sts::\(accountID):assumed-role/\(roleName)/\(sessionName)"
    }
}

/// Who signed a request.
public enum MockPrincipal: Sendable, Equatable {
    case user(MockUser)
    case session(MockSession)

    /// The ARN AWS reports (GetCallerIdentity, error messages).
    public var arn: String {
        switch self {
        case .user(let user): user.arn
        case .session(let session): session.assumedRoleARN
        }
    }

    public var accountID: String {
        switch self {
        case .user(let user): user.accountID
        case .session(let session): session.accountID
        }
    }
}
