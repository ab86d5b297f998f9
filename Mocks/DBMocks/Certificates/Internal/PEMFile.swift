import Foundation
import SwiftASN1
import X509

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes PEM text to a file with a given mode.
///
/// The file is opened with `mode` and `fchmod`ed before any byte is written, so a private key is
/// never readable by others, not even for a moment, and an older file at the same path loses its
/// wider mode too. PostgreSQL refuses a key file that group or others can read
/// (`be-secure-common.c`, "has group or world access").
enum PEMFile {
    static let privateKeyMode: mode_t = 0o600
    static let publicMode: mode_t = 0o644

    static func write(_ text: String, to path: String, mode: mode_t) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else { throw failure("create", path) }
        defer { close(fd) }
        guard fchmod(fd, mode) == 0 else { throw failure("set the mode of", path) }

        guard writeAll(Array(text.utf8), to: fd) else { throw failure("write", path) }
    }

    /// A PEM block with the trailing newline files conventionally end with (SwiftASN1 omits it).
    static func text(_ document: PEMDocument) -> String {
        document.pemString + "\n"
    }

    static func text(_ certificate: Certificate) throws -> String {
        try text(certificate.serializeAsPEM())
    }

    static func path(_ directory: String, _ fileName: String) -> String {
        URL(fileURLWithPath: directory, isDirectory: true).appendingPathComponent(fileName).path
    }

    private static func failure(_ verb: String, _ path: String) -> LabCertificateError {
        let code = errno
        return LabCertificateError(
            code: .unwritableFile,
            message: "could not \(verb) \(path): \(String(cString: strerror(code))); "
                + "check that the directory exists and is writable",
            underlying: POSIXErrorCode(rawValue: code).map { POSIXError($0) }
        )
    }
}

/// `write(2)` until every byte is out; false (with `errno` set) on failure. A free function so
/// that `write` names the system call, not `PEMFile.write`.
private func writeAll(_ bytes: [UInt8], to fd: Int32) -> Bool {
    var done = 0
    while done < bytes.count {
        let result = bytes.withUnsafeBytes { buffer in
            write(fd, buffer.baseAddress! + done, buffer.count - done)
        }
        if result < 0 {
            if errno == EINTR { continue }
            return false
        }
        done += result
    }
    return true
}
