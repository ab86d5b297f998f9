/// A peer sent bytes that are not the PostgreSQL protocol, or not at this point of it.
public struct PostgresWireError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
