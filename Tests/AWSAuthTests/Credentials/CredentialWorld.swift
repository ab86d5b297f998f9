import Foundation
import TestSupport
@testable import AWSAuth

/// A home directory of its own with optional ~/.aws files and an exact environment, so each
/// test resolves credentials in isolation (tests run in parallel).
final class CredentialWorld {
    let home: TemporaryDirectory
    var variables: [String: String]

    init(_ variables: [String: String] = [:]) throws {
        home = try TemporaryDirectory()
        self.variables = variables
        self.variables["HOME"] = home.path
        self.variables["PATH"] = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    }

    func config(_ text: String) throws { try home.write(".aws/config", text) }
    func credentials(_ text: String) throws { try home.write(".aws/credentials", text) }

    /// A credential_process script; returns the command line that runs it.
    func processScript(_ body: String) throws -> String {
        let path = try home.write("bin/creds-\(UUID().uuidString).sh", "#!/bin/sh\n" + body + "\n", executable: true)
        return "sh '\(path)'"
    }

    var environment: CredentialEnvironment { CredentialEnvironment(variables: variables) }

    func context(profile: String? = nil) throws -> CredentialContext {
        try CredentialContext.make(environment: environment, profile: profile)
    }

    func resolve(profile: String? = nil, chain: CredentialProviderChain = .standard()) async throws -> AWSCredentials {
        try await chain.credentials(context(profile: profile))
    }

    /// The error resolution ends in; fails the test if it succeeds.
    func error(profile: String? = nil, chain: CredentialProviderChain = .standard()) async -> CredentialError? {
        do {
            let credentials = try await resolve(profile: profile, chain: chain)
            Issue.record("expected an error, got credentials for \(credentials.accessKeyID)")
            return nil
        } catch let error as CredentialError {
            return error
        } catch {
            Issue.record("unexpected error type: \(error)")
            return nil
        }
    }
}

import Testing
