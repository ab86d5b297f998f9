import Lab

/// Whether `error` is a lab file error at `file`, `line` (and `column`, when given) whose text
/// holds `message`: what the tests of broken lab files expect.
func isLabFileError(_ error: any Error, file: String, line: Int, column: Int? = nil, message: String) -> Bool {
    guard let error = error as? LabFileError else { return false }
    return error.file == file && error.line == line && (column.map { error.column == $0 } ?? true) && error.description.contains(message)
}
