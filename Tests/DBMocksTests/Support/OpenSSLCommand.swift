import Foundation

/// The `openssl` command line tool: an implementation independent of swift-certificates and
/// BoringSSL, to check what the lab CA makes the way an operator would.
enum OpenSSLCommand {
    struct Result {
        let status: Int32
        /// stdout and stderr together, in the order openssl wrote them.
        let output: String
        var succeeded: Bool { status == 0 }
    }

    static func run(_ arguments: [String]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Read to the end before waiting, so a chatty openssl cannot block on a full pipe.
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }
}

/// A fresh directory under `NSTemporaryDirectory()`, removed by `remove()`.
struct TemporaryDirectory {
    let path: String

    init(prefix: String = "dbtunnel-certs") throws {
        path = (NSTemporaryDirectory() as NSString).appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}
