import BerthNode
import BerthRuntime
import Foundation

/// What `berth run` prints: every container's output prefixed by `pod/container`, phase
/// changes, and each container's exit with its code and reason (after its last output).
final class RunOutput: @unchecked Sendable {
    private let lock = NSLock()
    private var exits: [String: String] = [:]
    private var followers: [String: Task<Void, Never>] = [:]
    /// pod/container → the follower key of its latest attempt.
    private var current: [String: String] = [:]

    func handle(_ event: PodEvent) {
        switch event {
        case .containerStarted(let pod, let container, let attempt, let logPath):
            let key = "\(pod)/\(container)/\(attempt)"
            let label = Self.label(pod, container)
            say("\(label) started" + (attempt > 0 ? " (restart \(attempt))" : ""))
            let task = Task { await self.follow(key: key, label: label, logPath: logPath) }
            lock.withLock {
                followers[key] = task
                current["\(pod)/\(container)"] = key
            }
        case .containerExited(let pod, let container, let exit, let restartIn):
            var line = "\(Self.label(pod, container)) exited with code \(exit.exitCode) (\(exit.reason))"
            if let restartIn { line += ", restarting in \(restartIn)" }
            if let key = lock.withLock({ current["\(pod)/\(container)"] }) {
                lock.withLock { exits[key] = line }
            } else {
                say(line)
            }
        case .containerFailed(let pod, let container, let reason, let message, _):
            say("\(Self.label(pod, container)) \(reason): \(message)")
        case .phaseChanged(let pod, let phase):
            say("pod/\(Self.shortName(pod)) \(phase.rawValue)")
        case .containerUnhealthy(let pod, let container, let probe, let outcome):
            if let message = outcome.eventMessage(probe) {
                say("\(Self.label(pod, container)) \(message.trimmingCharacters(in: .whitespacesAndNewlines))")
            }
        case .containerKilling(let pod, let container, let message):
            say("\(Self.label(pod, container)) \(message)")
        case .statusChanged:
            break
        }
    }

    private func follow(key: String, label: String, logPath: String) async {
        let reader = CRILogReader()
        var pending = Data()
        try? await reader.follow(path: logPath, isFinished: { [self] in lock.withLock { exits[key] != nil } }) { data in
            pending.append(data)
            while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = pending[pending.startIndex..<newline]
                say("\(label): " + String(decoding: line, as: UTF8.self))
                pending.removeSubrange(pending.startIndex...newline)
            }
        }
        if !pending.isEmpty { say("\(label): " + String(decoding: pending, as: UTF8.self)) }
        if let exit = lock.withLock({ exits[key] }) { say(exit) }
    }

    /// Waits until every follower has printed what its container wrote.
    func drain() async {
        let tasks = lock.withLock { Array(followers.values) }
        for task in tasks { await task.value }
    }

    private func say(_ line: String) {
        lock.withLock { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }
    }

    static func shortName(_ key: String) -> String {
        key.hasPrefix("default/") ? String(key.dropFirst("default/".count)) : key
    }

    static func label(_ pod: String, _ container: String) -> String { "\(shortName(pod))/\(container)" }
}

/// Runs a handler on the given signals (which are then no longer fatal) until cancelled.
final class SignalWatcher: @unchecked Sendable {
    private var sources: [DispatchSourceSignal] = []

    init(signals: [Int32], handler: @escaping @Sendable () -> Void) {
        for signalNumber in signals {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler(handler: handler)
            source.resume()
            sources.append(source)
        }
    }

    func cancel() {
        for source in sources { source.cancel() }
    }
}
