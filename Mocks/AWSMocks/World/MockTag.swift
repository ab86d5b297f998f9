/// A resource tag (RDS `TagList`, Secrets Manager `Tags`).
public struct MockTag: Sendable, Equatable {
    public var key: String
    public var value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}
