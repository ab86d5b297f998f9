import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite struct SubprocessTests {
    @Test func runCollectsOutputStatusAndInput() throws {
        let result = try Subprocess.run(["sh", "-c", "cat; echo oops >&2; exit 3"], input: "hello\n")
        #expect(result.stdout == "hello\n")
        #expect(result.stderr == "oops\n")
        #expect(result.status == 3)
        #expect(!result.timedOut)
    }

    @Test func environmentReplacesOurs() throws {
        let result = try Subprocess.run(["env"], environment: ["PATH": "/usr/bin:/bin", "DBTUNNEL_PROBE": "1"])
        #expect(result.stdout.split(separator: "\n").sorted() == ["DBTUNNEL_PROBE=1", "PATH=/usr/bin:/bin"])
    }

    @Test func unknownProgramThrows() {
        let error = #expect(throws: SubprocessError.self) { try Subprocess.run(["dbtunnel-no-such-program"]) }
        #expect(error?.code == .programNotFound)
    }

    @Test func timeoutKillsTheChildAndItsChildren() throws {
        let marker = uniqueSleep()
        let started = ContinuousClock.now
        let result = try Subprocess.run(["sh", "-c", "sleep \(marker) & sleep \(marker); wait"], timeout: .seconds(1))
        #expect(result.timedOut)
        #expect(result.status == 128 + SIGKILL)
        #expect(started.duration(to: .now) < .seconds(4))
        #expect(try eventuallyGone("sleep \(marker)"))
    }

    @Test func signalReachesTheProgram() throws {
        let process = try Subprocess.spawn(["sleep", "30"])
        #expect(process.isRunning)
        process.signal(SIGINT)
        let result = process.wait(timeout: .seconds(5))
        #expect(result?.status == 128 + SIGINT)
        process.signal(SIGINT)  // reaped: a no-op, not a signal to a recycled pid
    }

    @Test func terminateAndDeinitKillTheGroup() throws {
        let marker = uniqueSleep()
        let process = try Subprocess.spawn(["sh", "-c", "sleep \(marker) & sleep \(marker); wait"])
        #expect(process.wait(timeout: .milliseconds(200)) == nil)
        #expect(process.terminate().status == 128 + SIGKILL)
        #expect(try eventuallyGone("sleep \(marker)"))

        let forgottenMarker = uniqueSleep()
        var forgotten: RunningProcess? = try Subprocess.spawn(["sh", "-c", "sleep \(forgottenMarker) & sleep \(forgottenMarker); wait"])
        #expect(try !eventuallyGone("sleep \(forgottenMarker)", within: .milliseconds(300)))
        forgotten = nil
        _ = forgotten
        #expect(try eventuallyGone("sleep \(forgottenMarker)"))
    }

    /// A sleep duration no other test uses, so pgrep finds only our processes.
    private func uniqueSleep() -> String {
        "30.\(UInt32.random(in: 100_000...999_999))"
    }

    /// Whether no process matches `pattern` by the deadline (a zombie's empty command line does
    /// not match, so unreaped orphans count as gone).
    private func eventuallyGone(_ pattern: String, within timeout: Duration = .seconds(3)) throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while try !processes(matching: pattern).isEmpty {
            if ContinuousClock.now >= deadline { return false }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return true
    }

    private func processes(matching pattern: String) throws -> [String] {
        let result = try Subprocess.run(["pgrep", "-f", pattern], timeout: .seconds(10))
        return result.stdout.split(separator: "\n").map(String.init)
    }
}
