import AWSAuth
import Foundation
import Synchronization
import NIOCore
import PostgresWire
import Testing
@testable import Tunnel

/// A clock tests move by hand.
final class TestClock: Sendable {
    private let current = Mutex(Date(timeIntervalSince1970: 1_700_000_000))
    var now: Date { current.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { current.withLock { $0 += seconds } }
}

@Suite("Credentials and tokens for upstream sign-in")
struct CredentialSourceTests {
    static let target = try! DatabaseTarget.resolve(uri: "mydb.abcdefghijkl.us-east-1.rds.amazonaws.com:5432", region: nil)

    final class CountingProvider: Sendable {
        let calls = Atomic<Int>(0)
        let lifetime: TimeInterval?
        let clock: TestClock
        init(lifetime: TimeInterval?, clock: TestClock) { self.lifetime = lifetime; self.clock = clock }
        func next() async throws -> AWSCredentials {
            let call = calls.wrappingAdd(1, ordering: .relaxed).newValue
            try await Task.sleep(for: .milliseconds(20))
            return AWSCredentials(
                accessKeyID: "ASIA\(call)EXAMPLE", secretAccessKey: "s", sessionToken: "t",
                expiration: lifetime.map { clock.now.addingTimeInterval($0) }
            )
        }
    }

    @Test func longTermCredentialsAreResolvedOnce() async throws {
        let clock = TestClock()
        let provider = CountingProvider(lifetime: nil, clock: clock)
        let cache = CredentialCache(now: { clock.now }, provider: provider.next)
        for _ in 0..<5 { _ = try await cache.credentials() }
        clock.advance(86_400)
        _ = try await cache.credentials()
        #expect(provider.calls.load(ordering: .relaxed) == 1)
    }

    @Test func temporaryCredentialsAreRefreshedBeforeTheyCouldOutliveAToken() async throws {
        let clock = TestClock()
        let provider = CountingProvider(lifetime: 3600, clock: clock)
        let cache = CredentialCache(now: { clock.now }, provider: provider.next)
        let first = try await cache.credentials()
        clock.advance(3600 - 901)  // still valid for more than a token's 900 s
        #expect(try await cache.credentials() == first)
        clock.advance(2)  // now within 900 s of expiry: a token signed now would outlive them
        #expect(try await cache.credentials() != first)
        #expect(provider.calls.load(ordering: .relaxed) == 2)
    }

    @Test func concurrentCallersShareOneRefresh() async throws {
        let clock = TestClock()
        let provider = CountingProvider(lifetime: 3600, clock: clock)
        let cache = CredentialCache(now: { clock.now }, provider: provider.next)
        try await withThrowingTaskGroup(of: AWSCredentials.self) { group in
            for _ in 0..<20 { group.addTask { try await cache.credentials() } }
            for try await _ in group {}
        }
        #expect(provider.calls.load(ordering: .relaxed) == 1)
    }

    @Test func tokenIsReusedWhileItHasMoreThanTenMinutesLeft() async throws {
        let clock = TestClock()
        let cache = CredentialCache(now: { clock.now }) { AWSCredentials(accessKeyID: "AKIAEXAMPLE", secretAccessKey: "s") }
        let source = RDSTokenSource(target: Self.target, credentials: cache, now: { clock.now })
        let first = try await source.signIn(user: "alice")
        #expect(first.user == "alice")
        #expect(first.password.hasPrefix("mydb.abcdefghijkl.us-east-1.rds.amazonaws.com:5432/?Action=connect&DBUser=alice&"))
        clock.advance(299)
        #expect(try await source.signIn(user: "alice").password == first.password)
        clock.advance(2)  // 301 s old: 599 s left
        #expect(try await source.signIn(user: "alice").password != first.password)
        #expect(try await source.signIn(user: "bob").password.contains("DBUser=bob&"))
    }

    @Test func newCredentialsMeanANewToken() async throws {
        let clock = TestClock()
        let provider = CountingProvider(lifetime: 1000, clock: clock)
        let cache = CredentialCache(now: { clock.now }, provider: provider.next)
        let source = RDSTokenSource(target: Self.target, credentials: cache, now: { clock.now })
        let first = try await source.signIn(user: "alice")
        clock.advance(150)  // credentials now within the refresh window; the token is young
        let second = try await source.signIn(user: "alice")
        #expect(first.password.contains("ASIA1EXAMPLE"))
        #expect(second.password.contains("ASIA2EXAMPLE"))
    }
}

@Suite("Cancel key registry")
struct CancelRegistryTests {
    @Test func localKeysMapToUpstreamKeysUntilUnregistered() {
        let registry = CancelRegistry()
        let upstream = CancelRequest(processID: 4242, secretKey: 99)
        let local = registry.register(upstream: upstream)
        #expect(local != upstream)
        #expect(registry.upstreamKey(for: local) == upstream)
        #expect(registry.upstreamKey(for: .init(processID: local.processID, secretKey: local.secretKey &+ 1)) == nil)
        registry.unregister(local)
        #expect(registry.upstreamKey(for: local) == nil)
        #expect(registry.count == 0)
    }

    @Test func everySessionGetsItsOwnKey() {
        let registry = CancelRegistry()
        let keys = (0..<1000).map { registry.register(upstream: .init(processID: $0, secretKey: $0)) }
        #expect(Set(keys).count == 1000)
        #expect(registry.count == 1000)
    }
}

@Suite("--connect-to")
struct ConnectToTests {
    @Test func parsesCurlsFourParts() {
        #expect(ConnectTo.parse("db.example:5432:127.0.0.1:15432") == ConnectTo(host: "db.example", port: 5432, address: "127.0.0.1", addressPort: 15432))
    }

    @Test(arguments: ["db:5432:127.0.0.1", "db:x:127.0.0.1:1", "db:5432:127.0.0.1:0", ":5432:a:1", "db:5432::1", "a:1:b:2:c"])
    func rejectsMalformed(_ text: String) {
        #expect(ConnectTo.parse(text) == nil)
    }
}

@Suite("Event loop threads follow the CPU affinity")
struct EventLoopThreadsTests {
    @Test(arguments: [("0", 1), ("0-1", 2), ("0,2,4-7", 6), ("  3 ", 1), ("x", nil), ("2-1", nil)] as [(String, Int?)])
    func cpuListsAreCounted(list: String, count: Int?) {
        #expect(EventLoopThreads.cpuCount(list: Substring(list)) == count)
    }

    @Test func countIsAtLeastOneAndAtMostTheMachine() {
        #expect((1...System.coreCount).contains(EventLoopThreads.count))
    }
}
