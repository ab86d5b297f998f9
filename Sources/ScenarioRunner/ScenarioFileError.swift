import Lab

/// A scenario file that cannot be used: where (file, line, column) and what was expected.
public struct ScenarioFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public let file: String
    public let line: Int
    public let column: Int
    public let message: String

    public init(file: String, line: Int, column: Int, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// The lab file (or the scenario's inline lab) was the problem; it names its own place.
    init(_ error: LabFileError) {
        self.init(file: error.file, line: error.line, column: error.column, message: error.message)
    }

    public var description: String { "\(file):\(line):\(column): \(message)" }
}
