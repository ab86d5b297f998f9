import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A plain TCP client for feeding a listener bytes no real client would send, and for seeing
/// how a connect ends (refused, dropped). Blocking: call it inside `blocking {}`.
public enum RawSocket {
    public struct Reply: Sendable {
        public let bytes: [UInt8]
        /// The server closed the connection (rather than our read timing out).
        public let closed: Bool
        /// When the first byte arrived, counted from the moment the connection was made.
        public let firstByteAfter: Duration?
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// How a connect to a port ended.
    public enum ConnectOutcome: Sendable, Equatable {
        case connected
        /// ECONNREFUSED: nothing listens.
        case refused
        /// No answer within the timeout: the SYN was dropped.
        case timedOut
        case failed(errno: Int32)
    }

    /// Connects to 127.0.0.1:`port` without blocking for longer than `timeout`, and closes again.
    public static func connect(port: Int, timeout: Duration) -> ConnectOutcome {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { return .failed(errno: errno) }
        defer { close(fd) }
        var address = loopback(port: port)
        let started = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if started == 0 { return .connected }
        guard errno == EINPROGRESS else { return errno == ECONNREFUSED ? .refused : .failed(errno: errno) }
        let milliseconds = Int32(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        var descriptor = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        guard poll(&descriptor, 1, milliseconds) > 0 else { return .timedOut }
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
        switch error {
        case 0: return .connected
        case ECONNREFUSED: return .refused
        default: return .failed(errno: error)
        }
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    /// Connects to 127.0.0.1:`port`, sends `send` (optionally shutting our side for writing),
    /// and reads until the server closes or `timeout` passes (or, with `untilBytes`, until that
    /// many bytes arrived).
    public static func exchange(
        port: Int, send: [UInt8], shutdownWrite: Bool = false, timeout: TimeInterval = 5, untilBytes: Int? = nil
    ) throws -> Reply {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(errno)") }
        defer { close(fd) }
        var address = loopback(port: port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw Failure(description: "connect: \(errno)") }
        let connectedAt = ContinuousClock.now
        var firstByteAfter: Duration?
        var sent = 0
        while sent < send.count {
            let count = send[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count <= 0 { break }  // the server may close before reading everything
            sent += count
        }
        if shutdownWrite { shutdown(fd, Int32(SHUT_WR)) }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 100) > 0 else { continue }
            let count = recv(fd, &buffer, buffer.count, 0)
            if count > 0 {
                if firstByteAfter == nil { firstByteAfter = ContinuousClock.now - connectedAt }
                received += buffer[0..<count]
                if let untilBytes, received.count >= untilBytes { return Reply(bytes: received, closed: false, firstByteAfter: firstByteAfter) }
            } else {
                return Reply(bytes: received, closed: true, firstByteAfter: firstByteAfter)
            }
        }
        return Reply(bytes: received, closed: false, firstByteAfter: firstByteAfter)
    }
}
