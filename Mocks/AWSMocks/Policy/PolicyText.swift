/// An IAM policy document's JSON, kept as text: what the size limits count.
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
public struct PolicyText: Sendable, Equatable {
    public let json: String

    public init(_ json: String) {
        self.json = json
    }

    /// The length IAM checks against the inline-policy quotas: whitespace is not counted.
    public var sizeWithoutWhitespace: Int {
        json.unicodeScalars.reduce(0) { $0 + ($1.properties.isWhitespace ? 0 : 1) }
    }
}
