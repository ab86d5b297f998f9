/// Who makes a request: what the `Principal` element of a resource or trust policy is matched
/// against, and what `aws:PrincipalArn` and friends say.
///
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
public struct PrincipalIdentity: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// The account's root user, `arn:aws:iam::ACCOUNT:root`.
        case root
        /// An IAM user, `arn:aws:iam::ACCOUNT:user/PATH/NAME`.
        case user(name: String)
        /// A role session, `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`, with the ARN of the
        /// role (path included) that a `Principal` naming the role matches.
        case assumedRole(roleArn: String, sessionName: String)
        /// A `GetFederationToken` session, `arn:aws:sts::ACCOUNT:federated-user/NAME`.
        case federatedUser(name: String)
        /// An AWS service such as `ec2.amazonaws.com` (the `arn` is the service name).
        case service
        /// A web identity or SAML provider (the `arn` is the provider, as in `Federated`).
        case federated
    }

    /// The ARN requests are signed as; for `.service` and `.federated`, the name as a
    /// `Principal` element writes it.
    public let arn: String
    /// The 12-digit account; nil for services and identity providers.
    public let account: String?
    public let kind: Kind

    public init(arn: String, account: String?, kind: Kind) {
        self.arn = arn
        self.account = account
        self.kind = kind
    }

    /// Reads a root, user, assumed-role or federated-user ARN; nil for anything else. An
    /// assumed-role ARN does not carry the role's path, so the role ARN is built without one;
    /// use `assumedRole(account:roleName:sessionName:rolePath:)` for a role with a path.
    public init?(arn: String) {
        let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", parts[3].isEmpty, Self.isAccountID(parts[4]) else {
            return nil
        }
        let partition = parts[1]
        let account = String(parts[4])
        let resource = parts[5].split(separator: "/", omittingEmptySubsequences: false)
        switch (parts[2], resource.first) {
        case ("iam", "root") where resource.count == 1:
            self.init(arn: arn, account: account, kind: .root)
        case ("iam", "user") where resource.count >= 2 && !resource.last!.isEmpty:
            self.init(arn: arn, account: account, kind: .user(name: String(resource.last!)))
        case ("sts", "assumed-role") where resource.count == 3 && !resource[1].isEmpty && !resource[2].isEmpty:
            let roleArn = "arn:\(partition):iam::\(account):role/\(resource[1])"
            self.init(arn: arn, account: account, kind: .assumedRole(roleArn: roleArn, sessionName: String(resource[2])))
        case ("sts", "federated-user") where resource.count == 2 && !resource[1].isEmpty:
            self.init(arn: arn, account: account, kind: .federatedUser(name: String(resource[1])))
        default:
            return nil
        }
    }

    public static func root(account: String, partition: String = "aws") -> Self {
        Self(arn: "arn:\(partition):iam::\(account):root", account: account, kind: .root)
    }

    public static func user(account: String, name: String, path: String = "/", partition: String = "aws") -> Self {
        Self(arn: "arn:\(partition):iam::\(account):user\(path)\(name)", account: account, kind: .user(name: name))
    }

    /// A session of role `roleName` (at `rolePath`), as STS names it: the session ARN has no
    /// path, the role ARN keeps it.
    public static func assumedRole(
        account: String,
        roleName: String,
        sessionName: String,
        rolePath: String = "/",
        partition: String = "aws"
    ) -> Self {
        Self(
            arn: "arn:\(partition):sts::\(account):assumed-role/\(roleName)/\(sessionName)",
            account: account,
            kind: .assumedRole(roleArn: "arn:\(partition):iam::\(account):role\(rolePath)\(roleName)", sessionName: sessionName)
        )
    }

    public static func service(_ name: String) -> Self {
        Self(arn: name, account: nil, kind: .service)
    }

    public static func federated(provider: String) -> Self {
        Self(arn: provider, account: nil, kind: .federated)
    }

    /// The ARN that `aws:PrincipalArn` reports: the role's for a role session.
    /// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principalarn
    public var principalArn: String {
        if case .assumedRole(let roleArn, _) = kind { return roleArn }
        return arn
    }

    /// The global condition keys AWS puts in every request by this principal.
    var contextKeys: [String: [String]] {
        var keys: [String: [String]] = ["aws:PrincipalArn": [principalArn]]
        if let account { keys["aws:PrincipalAccount"] = [account] }
        switch kind {
        case .root: keys["aws:PrincipalType"] = ["Account"]
        case .user(let name):
            keys["aws:PrincipalType"] = ["User"]
            keys["aws:username"] = [name]
        case .assumedRole: keys["aws:PrincipalType"] = ["AssumedRole"]
        case .federatedUser: keys["aws:PrincipalType"] = ["FederatedUser"]
        case .service: keys["aws:PrincipalServiceName"] = [arn]
        case .federated: break
        }
        return keys
    }

    static func isAccountID(_ text: Substring) -> Bool {
        text.count == 12 && text.allSatisfy { $0.isASCII && $0.isNumber }
    }
}
