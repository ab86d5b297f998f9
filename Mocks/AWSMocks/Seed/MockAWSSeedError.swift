/// A seed file that cannot be used, with what to fix.
public struct MockAWSSeedError: Error, CustomStringConvertible {
    public enum Code: Sendable, Equatable {
        case unreadable
        case invalidJSON
        /// A name that points at nothing (a role, a cluster, an instance).
        case unknownReference
        case duplicate
    }

    public let code: Code
    public let detail: String
    public let underlying: (any Error)?

    init(code: Code, detail: String, underlying: (any Error)? = nil) {
        self.code = code
        self.detail = detail
        self.underlying = underlying
    }

    public var description: String { "mock AWS seed: \(detail)" }

    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return keys.isEmpty ? "the top level" : String(keys.drop { $0 == "." })
        }
        switch error {
        case .keyNotFound(let key, let context): return "\(path(context)): missing \"\(key.stringValue)\""
        case .typeMismatch(let type, let context): return "\(path(context)): expected \(type)"
        case .valueNotFound(let type, let context): return "\(path(context)): expected \(type), found null"
        case .dataCorrupted(let context): return "\(path(context)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}
