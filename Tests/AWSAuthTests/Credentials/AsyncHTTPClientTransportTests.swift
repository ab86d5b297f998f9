import Foundation
import Synchronization
import TestSupport
import Testing
@testable import AWSAuth
#if canImport(Glibc)
import Glibc
#endif

/// The real transport against a loopback HTTP/1.1 server made of plain sockets: bodies and
/// headers go through, timeouts and refusals become `AWSHTTPTransportError`s.
@Suite("AsyncHTTPClient transport on loopback")
struct AsyncHTTPClientTransportTests {
    @Test func postGoesThroughAndTheReplyComesBack() async throws {
        let server = try LoopbackHTTPServer(reply: Canned.assumeRole())
        defer { server.stop() }
        let transport = AsyncHTTPClientTransport()
        let client = STSClient(transport: transport, endpoint: "http://127.0.0.1:\(server.port)", region: "us-east-1", retry: .instant())
        let caller = AWSCredentials(accessKeyID: "AKIALOOPBACKEXAMPLE", secretAccessKey: "s")
        let role = try await client.assumeRole(credentials: caller, roleARN: "arn:aws:iam::222222222222:role/db", sessionName: "loop")
        #expect(role.credentials.accessKeyID == "ASIAASSUMEDEXAMPLE")
        let received = try #require(server.requests.first)
        #expect(received.hasPrefix("POST / HTTP/1.1\r\n"))
        #expect(received.lowercased().contains("\r\nhost: 127.0.0.1:\(server.port)\r\n"))
        #expect(received.contains("Authorization: AWS4-HMAC-SHA256 Credential=AKIALOOPBACKEXAMPLE/"))
        #expect(received.hasSuffix("\r\n\r\nAction=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A222222222222%3Arole%2Fdb&RoleSessionName=loop"))
        #expect(received.components(separatedBy: "\r\n").filter { $0.lowercased().hasPrefix("host:") }.count == 1)
    }

    @Test func silenceIsATimeout() async throws {
        let server = try LoopbackHTTPServer(reply: nil)
        defer { server.stop() }
        let started = ContinuousClock.now
        let error = try await #require(throws: AWSHTTPTransportError.self) {
            _ = try await AsyncHTTPClientTransport().send(
                AWSHTTPRequest(method: "PUT", url: "http://127.0.0.1:\(server.port)/latest/api/token",
                               headers: [("x-aws-ec2-metadata-token-ttl-seconds", "21600")]),
                timeout: .milliseconds(300)
            )
        }
        #expect(error.kind == .timedOut)
        // The bound only tells "timed out" from "hung" (the server never answers): generous,
        // because the whole suite runs in parallel on two cores.
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    @Test func nothingListeningIsAConnectionFailure() async throws {
        let port = try FreePort.next()
        let error = try await #require(throws: AWSHTTPTransportError.self) {
            _ = try await AsyncHTTPClientTransport().send(AWSHTTPRequest(method: "GET", url: "http://127.0.0.1:\(port)/"), timeout: .seconds(2))
        }
        #expect(error.kind == .connectionFailed)
        #expect(error.description.hasPrefix("cannot connect to http://127.0.0.1:\(port)/"))
    }

    @Test func aURLWithoutHTTPIsRefusedUpFront() async throws {
        let error = try await #require(throws: AWSHTTPTransportError.self) {
            _ = try await AsyncHTTPClientTransport().send(AWSHTTPRequest(method: "GET", url: "ftp://example.com/"), timeout: .seconds(1))
        }
        #expect(error.kind == .invalidURL)
    }
}

/// Accepts connections on 127.0.0.1, records each request (head and body) and answers with
/// `reply`, or with nothing at all (the connection is held open until `stop`).
final class LoopbackHTTPServer: Sendable {
    let port: Int
    private let fd: Int32
    private let state = State()

    /// Requests seen and connections accepted, shared with the accepting thread.
    final class State: Sendable {
        let received = Mutex<[String]>([])
        let open = Mutex<[Int32]>([])
    }

    init(reply: AWSHTTPResponse?) throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        fd = listener
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) } }
        guard bound == 0, listen(listener, 8) == 0 else { throw POSIXError(.EADDRINUSE) }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) } }
        port = Int(UInt16(bigEndian: address.sin_port))
        let state = state
        Thread {
            while true {
                let connection = accept(listener, nil, nil)
                guard connection >= 0 else { return }
                state.open.withLock { $0.append(connection) }
                let request = LoopbackHTTPServer.readRequest(connection)
                state.received.withLock { $0.append(request) }
                guard let reply else { continue }
                var head = "HTTP/1.1 \(reply.status) Reply\r\nContent-Length: \(reply.body.count)\r\nConnection: close\r\n"
                for (name, value) in reply.headers { head += "\(name): \(value)\r\n" }
                let bytes = Array((head + "\r\n").utf8) + reply.body
                _ = bytes.withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                shutdown(connection, Int32(SHUT_WR))
            }
        }.start()
    }

    var requests: [String] { state.received.withLock { $0 } }

    func stop() {
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
        for connection in state.open.withLock({ $0 }) { close(connection) }
    }

    /// Reads the head, then as many body bytes as Content-Length says.
    static func readRequest(_ connection: Int32) -> String {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        var expected: Int?
        while expected.map({ bytes.count < $0 }) ?? true {
            let count = recv(connection, &buffer, buffer.count, 0)
            if count <= 0 { break }
            bytes += buffer[0..<count]
            let text = String(decoding: bytes, as: UTF8.self)
            if expected == nil, let end = text.range(of: "\r\n\r\n") {
                let head = text[..<end.lowerBound].lowercased()
                let length = head.components(separatedBy: "\r\n").first { $0.hasPrefix("content-length:") }
                    .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
                expected = text[..<end.upperBound].utf8.count + length
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
