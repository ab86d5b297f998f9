import Lab

/// A scenario file that cannot be used: where (file, line, column) and what was expected.
/// Scenario files are read with the lab file's YAML reader, so they share its error type.
public typealias ScenarioFileError = LabFileError
