/// Why STS refuses an `AssumeRole`: HTTP 403, code `AccessDenied`, `message` as the `Message`.
///
/// AWS's message does not say which policy was missing; `code` and `detail` do, for the
/// mock's log and for tests.
public struct AssumeRoleDenial: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable, CaseIterable {
            case explicitDeny
            case notTrusted
            case identityPolicy
            case permissionsBoundary
            case rootCaller
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// A `Deny` in the trust policy, the caller's identity policies or its boundary.
        public static let explicitDeny = Self(.explicitDeny)
        /// The trust policy does not allow this caller (principal or conditions such as
        /// `sts:ExternalId` do not match).
        public static let notTrusted = Self(.notTrusted)
        /// The caller's identity policies do not allow the action on the role, and must: the
        /// caller is in another account, or the trust policy names only the caller's account.
        public static let identityPolicy = Self(.identityPolicy)
        /// The caller's permissions boundary does not allow the action on the role.
        public static let permissionsBoundary = Self(.permissionsBoundary)
        /// Root user credentials cannot assume roles.
        public static let rootCaller = Self(.rootCaller)

        /// Every code, for tests that want one case of each.
        static let all: [Self] = Base.allCases.map(Self.init)

        public var description: String { base.rawValue }
    }

    public let code: Code
    /// `sts:AssumeRole`, or `sts:SetSourceIdentity` when a source identity was not allowed.
    public let action: String
    public let callerArn: String
    public let roleArn: String
    /// What was missing or which statement denied.
    public let detail: String

    init(code: Code, action: String, callerArn: String, roleArn: String, detail: String) {
        self.code = code
        self.action = action
        self.callerArn = callerArn
        self.roleArn = roleArn
        self.detail = detail
    }

    /// AWS's text, word for word.
    public var message: String {
        if code == .rootCaller { return "Roles may not be assumed by root accounts." }
        return Self.message(callerArn: callerArn, action: action, resource: roleArn)
    }

    /// `User: <caller arn> is not authorized to perform: <action> on resource: <resource>`;
    /// for a role session the caller ARN is `arn:aws:sts::<acct>:assumed-role/<role>/<session>`.
    public static func message(callerArn: String, action: String = "sts:AssumeRole", resource: String) -> String {
        "User: \(callerArn) is not authorized to perform: \(action) on resource: \(resource)"
    }

    public var description: String {
        "AccessDenied: \(message) (\(code): \(detail))"
    }
}
