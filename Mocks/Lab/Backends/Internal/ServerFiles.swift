import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The files we write into a fresh cluster's data directory, and the ones we read back.
struct ServerFiles {
    let directory: String
    /// Who must own what we write, when that is not us (we are root, the server is postgres).
    let owner: (uid: uid_t, gid: gid_t)?

    func configure(_ options: PostgresServer.Options) throws {
        var settings = [
            "listen_addresses": "127.0.0.1",
            // The data directory is short (/tmp/…) and ours: the socket path stays under the
            // 107-byte limit and clashes with nobody's /var/run/postgresql.
            "unix_socket_directories": directory,
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
            "max_connections": "300",
        ]
        if let tls = options.tls {
            try copy(tls.certificatePath, to: "server.crt")
            try copy(tls.keyPath, to: "server.key")
            settings["ssl"] = "on"
            settings["ssl_cert_file"] = "server.crt"
            settings["ssl_key_file"] = "server.key"
        }
        settings.merge(options.settings) { _, theirs in theirs }

        // First matching line wins in pg_hba.conf: the test's own lines go first.
        var hba = options.hba + ["local all all trust", "host all all 127.0.0.1/32 trust"]
        if options.tls != nil { hba.append("hostssl all all 127.0.0.1/32 trust") }
        try write("pg_hba.conf", hba.joined(separator: "\n") + "\n")

        // Appended: a later line overrides initdb's. Every value quoted, which postgresql.conf
        // accepts for numbers and booleans too.
        let lines = settings.sorted { $0.key < $1.key }.map { "\($0.key) = '\($0.value.replacingOccurrences(of: "'", with: "''"))'" }
        try write("postgresql.conf", "\n# dbtunnel TestSupport\n" + lines.joined(separator: "\n") + "\n", append: true)
    }

    /// Line 1 of postmaster.pid.
    static func postmasterPID(directory: String) -> pid_t? {
        postmasterLines(directory: directory).first.flatMap { pid_t($0) }
    }

    /// Line 8 of postmaster.pid: "starting", "ready", "stopping" (see pidfile.h).
    static func postmasterStatus(directory: String) -> String? {
        let lines = postmasterLines(directory: directory)
        return lines.count >= 8 ? lines[7] : nil
    }

    private static func postmasterLines(directory: String) -> [String] {
        guard let text = try? String(contentsOfFile: directory + "/postmaster.pid", encoding: .utf8) else { return [] }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
    }

    private func copy(_ source: String, to name: String) throws {
        let contents: Data
        do {
            contents = try Data(contentsOf: URL(fileURLWithPath: source))
        } catch {
            throw DatabaseServerError(.postgres, code: .dataDirectory, message: "cannot read TLS file \(source)", underlying: error)
        }
        try write(name, contents)
    }

    private func write(_ name: String, _ text: String, append: Bool = false) throws {
        try write(name, Data(text.utf8), append: append)
    }

    /// Mode 0600 and owned by the server user: PostgreSQL refuses a private key anyone else
    /// can read, and must be able to read all of these.
    private func write(_ name: String, _ contents: Data, append: Bool = false) throws {
        let path = directory + "/" + name
        let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC), 0o600)
        guard fd >= 0 else { throw fileError(path) }
        defer { close(fd) }
        do {
            try FileHandle(fileDescriptor: fd, closeOnDealloc: false).write(contentsOf: contents)
        } catch {
            throw DatabaseServerError(.postgres, code: .dataDirectory, message: "cannot write \(path)", underlying: error)
        }
        guard fchmod(fd, 0o600) == 0 else { throw fileError(path) }
        if let owner, fchown(fd, owner.uid, owner.gid) != 0 { throw fileError(path) }
    }

    private func fileError(_ path: String) -> DatabaseServerError {
        DatabaseServerError(
            .postgres, code: .dataDirectory,
            message: "cannot write \(path)",
            underlying: POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        )
    }
}
