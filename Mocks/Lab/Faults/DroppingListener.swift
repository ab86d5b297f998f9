import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A TCP listener on 127.0.0.1 whose accept queue is full, so further SYNs are dropped: what a
/// security group that drops packets looks like to a client (a connect timeout, not a refusal),
/// on loopback. Nothing is ever accepted. Closed by `close()` or when the object goes away.
///
/// The queue is filled with connections of our own (backlog 0 holds one): filler after filler
/// until one is not answered within 100 ms, so a client's SYN is known to be dropped once the
/// initializer returns.
public final class DroppingListener: Sendable {
    /// Why the listener could not be set up.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// The port it listens on (the one asked for, or the one the system picked for 0).
    public let port: Int
    /// The listener first, then the fillers; empty once closed.
    private let descriptors: Mutex<[Int32]>

    /// Binds 127.0.0.1:`port` (0 picks a free port; SO_REUSEADDR, so a port a server just
    /// closed can be taken over) and fills its accept queue. Waits (without blocking a thread)
    /// about 100 ms for the last filler to go unanswered.
    public init(port: Int = 0) async throws {
        var open: [Int32] = []
        do {
            let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard listener >= 0 else { throw Self.failure("socket") }
            open.append(listener)
            var reuse: Int32 = 1
            setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
            var address = Self.loopback(port: port)
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) } }
            guard bound == 0 else { throw Self.failure("bind 127.0.0.1:\(port)") }
            guard listen(listener, 0) == 0 else { throw Self.failure("listen on 127.0.0.1:\(port)") }
            _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) } }
            let actualPort = Int(UInt16(bigEndian: address.sin_port))
            var full = false
            for _ in 0..<8 {
                let filler = try Self.startConnecting(to: actualPort)
                open.append(filler)
                if try await !Self.connects(filler, within: .milliseconds(100)) {
                    full = true
                    break
                }
            }
            guard full else { throw Failure(description: "cannot fill the accept queue of 127.0.0.1:\(actualPort): every connection was answered") }
            self.port = actualPort
            self.descriptors = Mutex(open)
        } catch {
            for descriptor in open { closeDescriptor(descriptor) }
            throw error
        }
    }

    deinit { close() }

    /// Closes the listener (new connections are refused again) and the fillers. Idempotent.
    public func close() {
        let open = descriptors.withLock { descriptors in
            defer { descriptors = [] }
            return descriptors
        }
        for descriptor in open { closeDescriptor(descriptor) }
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        return address
    }

    /// A non-blocking socket with its connect to 127.0.0.1:`port` under way.
    private static func startConnecting(to port: Int) throws -> Int32 {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard descriptor >= 0 else { throw failure("socket") }
        var address = loopback(port: port)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 || errno == EINPROGRESS else {
            let error = failure("connect to 127.0.0.1:\(port)")
            closeDescriptor(descriptor)
            throw error
        }
        return descriptor
    }

    /// Whether the connect completes within `limit` (polled every 5 ms, never blocking).
    private static func connects(_ descriptor: Int32, within limit: Duration) async throws -> Bool {
        let deadline = ContinuousClock.now + limit
        while true {
            var entry = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
            if poll(&entry, 1, 0) > 0 {
                var error: Int32 = 0
                var length = socklen_t(MemoryLayout<Int32>.size)
                getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &error, &length)
                guard error == 0 else { throw Failure(description: "a filler connection failed: \(String(cString: strerror(error)))") }
                return true
            }
            guard ContinuousClock.now < deadline else { return false }
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    private static func failure(_ what: String) -> Failure {
        Failure(description: "\(what): \(String(cString: strerror(errno)))")
    }
}

/// `close(2)`; a free function so that `close` names the system call, not `DroppingListener.close`.
private func closeDescriptor(_ descriptor: Int32) {
    _ = close(descriptor)
}
