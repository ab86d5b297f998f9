import Foundation
import NIOCore
import NIOPosix

/// How many event loop threads the tunnel runs: one per CPU this process may run on.
///
/// `System.coreCount` counts the machine (or the cgroup quota), not the affinity mask: a tunnel
/// started with `taskset -c 0` would otherwise run two busy threads on one CPU and pay for the
/// context switches on every relayed message.
public enum EventLoopThreads {
    public static var count: Int {
        if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
           let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Cpus_allowed_list:") }),
           let allowed = cpuCount(list: line.dropFirst("Cpus_allowed_list:".count)), allowed > 0 {
            return min(allowed, System.coreCount)
        }
        return System.coreCount
    }

    /// Counts a Linux CPU list such as `0`, `0-3`, `0,2,4-7`.
    static func cpuCount(list: Substring) -> Int? {
        var total = 0
        for part in list.split(separator: ",") {
            let bounds = part.trimmingCharacters(in: .whitespaces).split(separator: "-").map { Int($0) }
            switch bounds.count {
            case 1: guard bounds[0] != nil else { return nil }; total += 1
            case 2:
                guard let low = bounds[0], let high = bounds[1], high >= low else { return nil }
                total += high - low + 1
            default: return nil
            }
        }
        return total
    }

    /// An event loop group sized to `count`.
    public static func makeGroup() -> MultiThreadedEventLoopGroup {
        MultiThreadedEventLoopGroup(numberOfThreads: count)
    }
}
