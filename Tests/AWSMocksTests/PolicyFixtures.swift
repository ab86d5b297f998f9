@testable import AWSMocks

/// Accounts, principals and policies the policy tests share.
enum Fixtures {
    static let home = "111122223333"
    static let other = "444455556666"

    static let alice = PrincipalIdentity.user(account: home, name: "alice")
    static let bob = PrincipalIdentity.user(account: other, name: "bob")
    static let ciSession = PrincipalIdentity.assumedRole(account: home, roleName: "ci", sessionName: "build-7")

    static let database = "arn:aws:rds-db:us-east-1:\(home):dbuser:db-ABC/alice"
    static let otherDatabase = "arn:aws:rds-db:us-east-1:\(home):dbuser:db-XYZ/alice"
    static let foreignDatabase = "arn:aws:rds-db:us-east-1:\(other):dbuser:db-ABC/bob"
    static let adminRole = "arn:aws:iam::\(home):role/db-admin"

    /// A policy document with the given statements (JSON objects, comma-joined).
    static func policy(_ statements: String..., kind: PolicyDocument.Kind = .identity) throws -> PolicyDocument {
        try PolicyDocument(
            json: #"{"Version": "2012-10-17", "Statement": ["# + statements.joined(separator: ",") + "]}",
            kind: kind
        )
    }

    static func allow(_ action: String, on resource: String = "*") -> String {
        #"{"Effect": "Allow", "Action": "\#(action)", "Resource": "\#(resource)"}"#
    }

    static func deny(_ action: String, on resource: String = "*", sid: String) -> String {
        #"{"Sid": "\#(sid)", "Effect": "Deny", "Action": "\#(action)", "Resource": "\#(resource)"}"#
    }

    /// A resource or trust policy statement allowing `principal` (a JSON principal value).
    static func grant(_ action: String, to principal: String, on resource: String? = nil) -> String {
        let resourceField = resource.map { #", "Resource": "\#($0)""# } ?? ""
        return #"{"Effect": "Allow", "Principal": \#(principal), "Action": "\#(action)"\#(resourceField)}"#
    }
}
