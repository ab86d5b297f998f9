import Foundation
import Synchronization

/// The whole mock AWS: IAM entities, STS sessions, and the mock's clock. Thread-safe, usable
/// from async handlers and from synchronous callers (the database endpoints' token checks).
public final class MockAWSWorld: Sendable {
    public struct IAMState: Sendable {
        public var users: [String: MockUser] = [:]          // by ARN
        public var roles: [String: MockRole] = [:]          // by ARN
        public var groups: [String: MockGroup] = [:]        // by ARN
        public var managedPolicies: [String: MockManagedPolicy] = [:]  // by ARN
        public var sessions: [String: MockSession] = [:]    // by access key id
        public init() {}
    }

    private let iam: Mutex<IAMState>
    private let initialIAM: IAMState
    private let clockOffset = Mutex<TimeInterval>(0)
    /// The lab's OpenID Connect provider, for AssumeRoleWithWebIdentity.
    public let oidcProvider: MockOIDCProvider?

    public init(iam: IAMState = IAMState(), oidcProvider: MockOIDCProvider? = nil) {
        self.iam = Mutex(iam)
        initialIAM = iam
        self.oidcProvider = oidcProvider
    }

    /// The mock's time: the real clock plus what scenarios advanced it by.
    public var now: Date { Date().addingTimeInterval(clockOffset.withLock { $0 }) }

    public func advanceClock(by seconds: TimeInterval) {
        clockOffset.withLock { $0 += seconds }
    }

    /// Back to the state the world was created with (and the real clock).
    public func reset() {
        iam.withLock { $0 = initialIAM }
        clockOffset.withLock { $0 = 0 }
    }

    public func withIAM<Result>(_ body: (inout IAMState) throws -> Result) rethrows -> Result {
        try iam.withLock { try body(&$0) }
    }

    /// The principal and secret for an access key id, whatever issued it.
    public enum KeyOwner: Sendable {
        case user(MockUser, secret: String)
        case session(MockSession)
        case inactiveKey(MockUser)
    }

    public func keyOwner(_ accessKeyID: String) -> KeyOwner? {
        iam.withLock { state in
            if let session = state.sessions[accessKeyID] { return .session(session) }
            for user in state.users.values {
                if let key = user.accessKeys.first(where: { $0.id == accessKeyID }) {
                    return key.active ? .user(user, secret: key.secret) : .inactiveKey(user)
                }
            }
            return nil
        }
    }

    public func user(named name: String, account: String? = nil) -> MockUser? {
        iam.withLock { state in state.users.values.first { $0.name == name && (account == nil || $0.accountID == account) } }
    }

    public func role(arn: String) -> MockRole? {
        iam.withLock { $0.roles[arn] }
    }

    /// Issues temporary credentials for `role`.
    public func issueSession(role: MockRole, sessionName: String, duration: Int, chained: Bool) -> MockSession {
        let session = MockSession(
            accessKeyID: "ASIA" + Self.randomKeyCharacters(16),
            secret: Self.randomSecret(),
            token: "FQoGZXIvYXdzEMOCK" + Self.randomSecret() + Self.randomSecret(),
            expiration: now.addingTimeInterval(TimeInterval(duration)),
            roleARN: role.arn, accountID: role.accountID, sessionName: sessionName, chained: chained
        )
        iam.withLock { $0.sessions[session.accessKeyID] = session }
        return session
    }

    /// `current` while it is the role's, still known and good for 15 more minutes (as IMDS
    /// and ECS hand out the same credentials until shortly before they expire); else a new session.
    public func sessionForCredentialEndpoint(current: MockSession?, role: MockRole, sessionName: String, duration: Int) -> MockSession {
        if let current, current.roleARN == role.arn, current.expiration.timeIntervalSince(now) > 15 * 60,
           case .session = keyOwner(current.accessKeyID) {
            return current
        }
        return issueSession(role: role, sessionName: sessionName, duration: duration, chained: false)
    }

    static func randomKeyCharacters(_ count: Int) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        return String((0..<count).map { _ in alphabet.randomElement()! })
    }

    static func randomSecret() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        return String((0..<40).map { _ in alphabet.randomElement()! })
    }
}
