/// A request to a running lab that cannot be carried out (a database it does not have…).
public struct LabRuntimeError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
