import BerthRuntime
import Foundation

@testable import BerthNode

/// A clock that moves only when the test says so: sleepers wake when `advance` passes their
/// deadline, so probe timings are checked exactly, with no real waiting.
final class ManualClock: Clock, @unchecked Sendable {
    struct Instant: InstantProtocol {
        var offset: Duration
        func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        func duration(to other: Instant) -> Duration { other.offset - offset }
        static func < (a: Instant, b: Instant) -> Bool { a.offset < b.offset }
    }

    private struct Sleeper {
        var deadline: Instant
        var continuation: CheckedContinuation<Void, any Error>
    }

    private let lock = NSLock()
    private var current = Instant(offset: .zero)
    private var sleepers: [UUID: Sleeper] = [:]

    var now: Instant { lock.withLock { current } }
    var minimumResolution: Duration { .zero }

    /// The deadlines of everyone asleep, as offsets from the clock's start, soonest first.
    var pendingDeadlines: [Duration] { lock.withLock { sleepers.values.map(\.deadline.offset).sorted() } }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        let id = UUID()
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                enum Now { case wait, wake, cancel }
                let now: Now = lock.withLock {
                    if Task.isCancelled { return .cancel }
                    if deadline <= current { return .wake }
                    sleepers[id] = Sleeper(deadline: deadline, continuation: continuation)
                    return .wait
                }
                switch now {
                case .wait: break
                case .wake: continuation.resume()
                case .cancel: continuation.resume(throwing: CancellationError())
                }
            }
        } onCancel: {
            let sleeper = lock.withLock { sleepers.removeValue(forKey: id) }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves time on and wakes every sleeper whose deadline has come.
    func advance(by duration: Duration) {
        let due: [Sleeper] = lock.withLock {
            current = current.advanced(by: duration)
            let ready = sleepers.filter { $0.value.deadline <= current }
            for key in ready.keys { sleepers[key] = nil }
            return Array(ready.values)
        }
        for sleeper in due { sleeper.continuation.resume() }
    }
}

/// A prober that answers from scripts keyed by the first word of an exec probe's command:
/// queued outcomes first, then a standing one (success unless set). Records every call.
final class ScriptedProber: Prober, @unchecked Sendable {
    private let lock = NSLock()
    private var queued: [String: [ProbeOutcome]] = [:]
    private var standing: [String: ProbeOutcome] = [:]
    private var calls: [String] = []

    func script(_ key: String, _ outcomes: [ProbeOutcome]) { lock.withLock { queued[key, default: []] += outcomes } }
    func set(_ key: String, _ outcome: ProbeOutcome) { lock.withLock { standing[key] = outcome } }
    func callCount(_ key: String) -> Int { lock.withLock { calls.filter { $0 == key }.count } }

    func probe(_ action: ProbeAction, target: ProbeTarget, timeout: Duration) async -> ProbeOutcome {
        guard case .exec(let command) = action, let key = command.first else { return .error("unscripted \(action)") }
        return lock.withLock {
            calls.append(key)
            if var queue = queued[key], !queue.isEmpty {
                let next = queue.removeFirst()
                queued[key] = queue
                return next
            }
            return standing[key] ?? .success(output: "")
        }
    }
}

extension ProbeSpec {
    /// An exec probe the ScriptedProber answers under `key`.
    static func scripted(_ key: String, period: Duration = .milliseconds(5), initialDelay: Duration = .zero,
                         success: Int = 1, failure: Int = 3, grace: Double? = nil) -> ProbeSpec {
        ProbeSpec(action: .exec(command: [key]), initialDelay: initialDelay, timeout: .seconds(1), period: period,
                  successThreshold: success, failureThreshold: failure, terminationGracePeriodSeconds: grace)
    }
}

extension ProbeOutcome {
    static let passed = ProbeOutcome.success(output: "")
    static func failed(_ output: String = "") -> ProbeOutcome { .failure(output: output) }
}

extension EventLog {
    /// The kubelet-style messages of every Unhealthy event for `container`.
    func unhealthy(_ container: String) -> [String] {
        all.compactMap { event in
            guard case .containerUnhealthy(_, container, let kind, let outcome) = event else { return nil }
            return outcome.eventMessage(kind)
        }
    }

    func killings(_ container: String) -> [String] {
        all.compactMap { event in
            guard case .containerKilling(_, container, let message) = event else { return nil }
            return message
        }
    }
}
