import Crypto
import Foundation
import Synchronization

/// A Redshift Serverless workgroup: endpoint `<name>.<account>.<region>.redshift-serverless.amazonaws.com:5439`.
public struct MockWorkgroup: Sendable, Equatable {
    public var name: String
    public var namespaceName: String
    public var accountID: String
    public var region: String
    public var address: String
    public var port: Int
    /// CREATING | AVAILABLE | MODIFYING | DELETING.
    public var status: String
    public var createdAt: Date

    public init(
        name: String, namespaceName: String, accountID: String, region: String, address: String? = nil, port: Int = 5439,
        status: String = "AVAILABLE", createdAt: Date = Date(timeIntervalSince1970: 1_735_689_600)
    ) {
        self.name = name
        self.namespaceName = namespaceName
        self.accountID = accountID
        self.region = region
        self.address = address ?? "\(name).\(accountID).\(region).redshift-serverless.amazonaws.com"
        self.port = port
        self.status = status
        self.createdAt = createdAt
    }

    /// A UUID, stable for the same account, region and name.
    public var workgroupID: String { Self.stableUUID("workgroup:\(accountID):\(region):\(name)") }
    public var namespaceID: String { Self.stableUUID("namespace:\(accountID):\(region):\(namespaceName)") }
    public var arn: String { "arn:aws:redshift-serverless:\(region):\(accountID):workgroup/\(workgroupID)" }
    public var namespaceARN: String { "arn:aws:redshift-serverless:\(region):\(accountID):namespace/\(namespaceID)" }

    static func stableUUID(_ seed: String) -> String {
        let hex = SHA256.hash(data: Array(seed.utf8)).map { String(format: "%02x", $0) }.joined()
        let parts = [hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4), hex.dropFirst(16).prefix(4), hex.dropFirst(20).prefix(12)]
        return parts.joined(separator: "-")
    }
}

/// Redshift Serverless state: workgroups, and the temporary database passwords GetCredentials
/// handed out, kept until they expire so a mock endpoint can check a login against them.
public final class MockRedshiftServerlessStore: Sendable {
    public struct IssuedPassword: Sendable, Equatable {
        public let workgroupARN: String
        public let dbUser: String
        public let password: String
        public let expiration: Date
    }

    private struct State {
        var workgroups: [MockWorkgroup]
        var passwords: [IssuedPassword] = []
    }

    private let state: Mutex<State>
    private let initialWorkgroups: [MockWorkgroup]
    private let clock: @Sendable () -> Date

    public init(workgroups: [MockWorkgroup] = [], clock: @escaping @Sendable () -> Date = { Date() }) {
        state = Mutex(State(workgroups: workgroups))
        initialWorkgroups = workgroups
        self.clock = clock
    }

    public func reset() {
        state.withLock { $0 = State(workgroups: initialWorkgroups) }
    }

    public func workgroup(_ name: String, accountID: String) -> MockWorkgroup? {
        state.withLock { $0.workgroups.first { $0.name == name && $0.accountID == accountID } }
    }

    /// A fresh password for `dbUser`, valid `duration` seconds from the mock's now.
    public func issuePassword(workgroup: MockWorkgroup, dbUser: String, duration: Int) -> IssuedPassword {
        let now = clock()
        let issued = IssuedPassword(
            workgroupARN: workgroup.arn, dbUser: dbUser, password: Self.randomPassword(),
            expiration: now.addingTimeInterval(TimeInterval(duration))
        )
        state.withLock { state in
            state.passwords.removeAll { $0.expiration <= now }
            state.passwords.append(issued)
        }
        return issued
    }

    /// Whether `password` was issued for `user` on the workgroup (name or ARN) and has not expired.
    public func verifyPassword(workgroup: String, user: String, password: String) -> Bool {
        let now = clock()
        return state.withLock { state in
            let arns = Set(state.workgroups.filter { $0.name == workgroup || $0.arn == workgroup }.map(\.arn))
            return state.passwords.contains {
                arns.contains($0.workgroupARN) && $0.dbUser == user && $0.expiration > now
                    && SigV4RequestVerifier.constantTimeEqual($0.password, password)
            }
        }
    }

    /// Looks like the service's: long, mixed case, digits and `+/=`.
    static func randomPassword() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        return String((0..<64).map { _ in alphabet.randomElement()! }) + "=="
    }
}
