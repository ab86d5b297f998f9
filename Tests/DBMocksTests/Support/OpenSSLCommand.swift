import Foundation
import TestSupport

/// The `openssl` command line tool: an implementation independent of swift-certificates and
/// BoringSSL, to check what the lab CA makes the way an operator would.
enum OpenSSLCommand {
    struct Result {
        let status: Int32
        /// stdout, then stderr.
        let output: String
        var succeeded: Bool { status == 0 }
    }

    static func run(_ arguments: [String]) throws -> Result {
        let result = try Subprocess.run(["openssl"] + arguments)
        return Result(status: result.status, output: result.stdout + result.stderr)
    }
}
