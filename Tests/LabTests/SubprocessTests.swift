import Foundation
import Testing
import Lab
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Programs the lab and the scenario runner start.
@Suite("Subprocess")
struct SubprocessTests {
    @Test func aSpawnedProgramInheritsNoDescriptorButItsStandardStreams() async throws {
        // A socket that is not close-on-exec, as NIO's listening sockets are not: a program that
        // inherited it would keep a mock endpoint listening after the lab closed it.
        let leaky = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #expect(leaky > 2)
        defer { close(leaky) }
        let result = try await blocking { try Subprocess.run(["/bin/sh", "-c", "ls /proc/$$/fd"], timeout: .seconds(10)) }
        let descriptors = Set(result.stdout.split(separator: "\n").compactMap { Int($0) })
        #expect(result.succeeded, "\(result)")
        #expect(descriptors.isSubset(of: [0, 1, 2, 10]), "inherited: \(descriptors.sorted())")
        #expect(!descriptors.contains(Int(leaky)))
    }
}
