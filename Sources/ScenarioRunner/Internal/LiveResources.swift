import Foundation
import Lab
import Synchronization

/// Everything the running scenarios have started (processes, labs, temporary directories), so an
/// interrupt can stop it all before the runner exits: `exit` runs no `deinit`.
final class LiveResources: Sendable {
    private struct Entries {
        var processes: [ObjectIdentifier: RunningProcess] = [:]
        var labs: [ObjectIdentifier: LabRuntime] = [:]
        var directories: Set<String> = []
        var interrupted = false
    }

    private let entries = Mutex(Entries())

    var interrupted: Bool { entries.withLock { $0.interrupted } }

    func add(_ process: RunningProcess) { entries.withLock { $0.processes[ObjectIdentifier(process)] = process } }
    func remove(_ process: RunningProcess) { _ = entries.withLock { $0.processes.removeValue(forKey: ObjectIdentifier(process)) } }
    func add(_ lab: LabRuntime) { entries.withLock { $0.labs[ObjectIdentifier(lab)] = lab } }
    func remove(_ lab: LabRuntime) { _ = entries.withLock { $0.labs.removeValue(forKey: ObjectIdentifier(lab)) } }
    func add(directory: String) { _ = entries.withLock { $0.directories.insert(directory) } }
    func remove(directory: String) { _ = entries.withLock { $0.directories.remove(directory) } }

    /// Marks the run interrupted (no new steps start) and kills every process group.
    func interruptProcesses() async {
        let processes = entries.withLock { entries in
            entries.interrupted = true
            return Array(entries.processes.values)
        }
        for process in processes { _ = try? await onThread { process.terminate() } }
    }

    /// Kills every process group, stops every lab (its backends too) and removes the directories.
    func stopAll() async {
        let taken = entries.withLock { entries in
            entries.interrupted = true
            defer { entries = Entries(interrupted: true) }
            return entries
        }
        for process in taken.processes.values { _ = try? await onThread { process.terminate() } }
        for lab in taken.labs.values { await lab.stop() }
        for directory in taken.directories { try? FileManager.default.removeItem(atPath: directory) }
    }
}
