import BerthAPI
import BerthNode
@testable import BerthRuntime
import Foundation

/// An in-memory `ContainerRuntime` (as the kubelet's `container/testing/fake_runtime.go`):
/// each container name has a queue of scripted behaviours, one per attempt, and every call
/// that changes something is recorded in order. `waitContainer` suspends on a continuation
/// until the fake container exits; nothing here sleeps except a stop of a container that
/// ignores SIGTERM, which waits out the grace period as a real runtime does.
final class FakeRuntime: ContainerRuntime, @unchecked Sendable {
    indirect enum Behaviour: Sendable {
        /// Exits with this code as soon as it has started.
        case exits(Int32)
        /// Runs until `finish(_:code:)` or a stop; SIGTERM kills it (143, signal 15).
        case runs
        /// Runs until `finish(_:code:)`; a stop kills it (137, signal 9) once the grace has passed.
        case ignoresTerm
        case failsCreate(RuntimeError)
        case failsStart(RuntimeError)
        /// `createContainer` suspends until the event fires, then behaves as the inner behaviour.
        case createWaitsFor(AsyncEvent, then: Behaviour)
    }

    /// A call that changed something, in the order it was made.
    enum Call: Sendable, Equatable, CustomStringConvertible {
        case runSandbox(pod: String)
        case stopSandbox(String)
        case removeSandbox(String)
        case create(String, attempt: Int)
        case start(String, attempt: Int)
        case stop(String, attempt: Int, grace: Double)
        case kill(String, attempt: Int)
        case remove(String, attempt: Int)

        /// The call without its grace period, e.g. "stop app#0".
        var description: String {
            switch self {
            case .runSandbox(let pod): return "runSandbox \(pod)"
            case .stopSandbox(let id): return "stopSandbox \(id)"
            case .removeSandbox(let id): return "removeSandbox \(id)"
            case .create(let name, let attempt): return "create \(name)#\(attempt)"
            case .start(let name, let attempt): return "start \(name)#\(attempt)"
            case .stop(let name, let attempt, _): return "stop \(name)#\(attempt)"
            case .kill(let name, let attempt): return "kill \(name)#\(attempt)"
            case .remove(let name, let attempt): return "remove \(name)#\(attempt)"
            }
        }
    }

    private struct Record {
        var status: RuntimeContainerStatus
        var behaviour: Behaviour
        var waiters: [CheckedContinuation<ContainerExit?, Never>] = []
    }

    private struct State {
        var sandboxes: [String: PodSandboxStatus] = [:]
        var containers: [String: Record] = [:]
        var order: [String] = []
        var scripts: [String: [Behaviour]] = [:]
        var calls: [Call] = []
        var nextID = 1
    }

    private let lock = NSLock()
    private var state = State()

    private func locked<T>(_ body: (inout State) throws(RuntimeError) -> T) throws(RuntimeError) -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(&state)
    }

    private func locked<T>(_ body: (inout State) -> T) -> T {
        lock.withLock { body(&state) }
    }

    // MARK: scripting and inspection

    /// Queues behaviours for the next attempts of `name`; once used up, containers `.runs`.
    func script(_ name: String, _ behaviours: [Behaviour]) {
        locked { $0.scripts[name, default: []] += behaviours }
    }

    var calls: [Call] { locked { $0.calls } }
    var callNames: [String] { calls.map(\.description) }

    /// The grace periods `stopContainer` was called with for `name`, in order.
    func stopGraces(_ name: String) -> [Double] {
        calls.compactMap { if case .stop(name, _, let grace) = $0 { grace } else { nil } }
    }

    func index(of call: String) -> Int? { callNames.firstIndex(of: call) }

    func isRunning(_ name: String) -> Bool {
        locked { state in state.containers.values.contains { $0.status.name == name && $0.status.state == .running } }
    }

    /// Makes the running container `name` exit on its own; false when none runs.
    @discardableResult
    func finish(_ name: String, code: Int32) -> Bool {
        let id = locked { state in
            state.order.last { state.containers[$0]?.status.name == name && state.containers[$0]?.status.state == .running }
        }
        guard let id else { return false }
        exit(id, code: code, signal: 0)
        return true
    }

    /// A sandbox left by an earlier agent, for adoption tests.
    func seedSandbox(uid: String, name: String, createdAt: String = "2026-01-02T03:04:05Z") -> String {
        locked { state in
            let id = "sandbox-\(state.nextID)"
            state.nextID += 1
            let config = PodSandboxConfig(name: name, namespace: "default", uid: uid, hostname: name, hostsFile: "", resolvConf: "")
            state.sandboxes[id] = PodSandboxStatus(id: id, config: config, state: .ready, createdAt: createdAt, logDirectory: "/logs")
            return id
        }
    }

    /// A container left by an earlier agent: running (`exitCode` nil) or exited.
    func seedContainer(sandboxID: String, name: String, attempt: Int, exitCode: Int32? = nil,
                       behaviour: Behaviour = .runs) -> String {
        locked { state in
            let id = "\(name)-\(state.nextID)"
            state.nextID += 1
            var status = Self.newStatus(id: id, sandboxID: sandboxID, name: name, attempt: attempt, image: "busybox")
            status.startedAt = "2026-01-02T03:04:06.5Z"
            if let exitCode {
                status.state = .exited
                status.exit = ContainerExit(exitCode: exitCode, signal: 0, reason: exitCode == 0 ? "Completed" : "Error",
                                            message: "", startedAt: "2026-01-02T03:04:06Z", finishedAt: "2026-01-02T03:04:07Z")
            } else {
                status.state = .running
                status.pid = 4242
            }
            state.containers[id] = Record(status: status, behaviour: behaviour)
            state.order.append(id)
            return id
        }
    }

    // MARK: ContainerRuntime

    func runPodSandbox(_ config: PodSandboxConfig) async throws(RuntimeError) -> String {
        locked { state in
            let id = "sandbox-\(state.nextID)"
            state.nextID += 1
            state.calls.append(.runSandbox(pod: config.name))
            state.sandboxes[id] = PodSandboxStatus(id: id, config: config, state: .ready, createdAt: Self.now(), logDirectory: "/logs")
            return id
        }
    }

    func stopPodSandbox(_ id: String) async throws(RuntimeError) {
        let running = locked { state in
            state.calls.append(.stopSandbox(id))
            return state.order.filter { state.containers[$0]?.status.sandboxID == id && state.containers[$0]?.status.state == .running }
        }
        for container in running { exit(container, code: 137, signal: 9) }
    }

    func removePodSandbox(_ id: String) async throws(RuntimeError) {
        try await stopPodSandbox(id)
        locked { state in
            state.calls.append(.removeSandbox(id))
            state.sandboxes[id] = nil
            state.order.removeAll { state.containers[$0]?.status.sandboxID == id }
            state.containers = state.containers.filter { $0.value.status.sandboxID != id }
        }
    }

    func podSandboxStatus(_ id: String) throws(RuntimeError) -> PodSandboxStatus {
        guard let status = locked({ $0.sandboxes[id] }) else { throw .notFound(kind: "pod sandbox", id: id) }
        return status
    }

    func listPodSandboxes() -> [PodSandboxStatus] {
        locked { Array($0.sandboxes.values) }
    }

    func createContainer(sandboxID: String, config: ContainerConfig) async throws(RuntimeError) -> String {
        var behaviour = locked { state -> Behaviour in
            state.calls.append(.create(config.name, attempt: config.attempt))
            return state.scripts[config.name]?.isEmpty == false ? state.scripts[config.name]!.removeFirst() : .runs
        }
        if case .createWaitsFor(let gate, let then) = behaviour {
            await gate.wait()
            behaviour = then
        }
        if case .failsCreate(let error) = behaviour { throw error }
        return try locked { state throws(RuntimeError) -> String in
            guard state.sandboxes[sandboxID] != nil else { throw .notFound(kind: "pod sandbox", id: sandboxID) }
            let id = "\(config.name)-\(state.nextID)"
            state.nextID += 1
            let status = Self.newStatus(id: id, sandboxID: sandboxID, name: config.name, attempt: config.attempt, image: config.image)
            state.containers[id] = Record(status: status, behaviour: behaviour)
            state.order.append(id)
            return id
        }
    }

    func startContainer(_ id: String) async throws(RuntimeError) {
        let behaviour = try locked { state throws(RuntimeError) -> Behaviour in
            guard var record = state.containers[id] else { throw .notFound(kind: "container", id: id) }
            guard record.status.state == .created else { throw .invalidState(id: id, message: "not created") }
            state.calls.append(.start(record.status.name, attempt: record.status.attempt))
            if case .failsStart(let error) = record.behaviour { throw error }
            record.status.state = .running
            record.status.startedAt = Self.now()
            record.status.pid = 4242
            state.containers[id] = record
            return record.behaviour
        }
        if case .exits(let code) = behaviour { exit(id, code: code, signal: 0) }
    }

    func stopContainer(_ id: String, gracePeriodSeconds: Double) async throws(RuntimeError) {
        let record = try locked { state throws(RuntimeError) -> Record in
            guard let record = state.containers[id] else { throw .notFound(kind: "container", id: id) }
            state.calls.append(.stop(record.status.name, attempt: record.status.attempt, grace: gracePeriodSeconds))
            return record
        }
        guard record.status.state == RuntimeContainerState.running else { return }
        if case .ignoresTerm = record.behaviour {
            try? await Task.sleep(for: .milliseconds(Int(gracePeriodSeconds * 1000)))
            let stillRunning = locked { state in
                guard state.containers[id]?.status.state == .running else { return false }
                state.calls.append(.kill(record.status.name, attempt: record.status.attempt))
                return true
            }
            if stillRunning { exit(id, code: 137, signal: 9) }
        } else {
            exit(id, code: 143, signal: 15)
        }
    }

    func removeContainer(_ id: String) async throws(RuntimeError) {
        let running = try locked { state throws(RuntimeError) -> Bool in
            guard let record = state.containers[id] else { throw .notFound(kind: "container", id: id) }
            state.calls.append(.remove(record.status.name, attempt: record.status.attempt))
            return record.status.state == RuntimeContainerState.running
        }
        if running { exit(id, code: 137, signal: 9) }
        locked { state in
            state.containers[id] = nil
            state.order.removeAll { $0 == id }
        }
    }

    func containerStatus(_ id: String) throws(RuntimeError) -> RuntimeContainerStatus {
        guard let status = locked({ $0.containers[id]?.status }) else { throw .notFound(kind: "container", id: id) }
        return status
    }

    func listContainers(sandboxID: String?) -> [RuntimeContainerStatus] {
        locked { state in
            state.order.compactMap { state.containers[$0]?.status }.filter { sandboxID == nil || $0.sandboxID == sandboxID }
        }
    }

    func waitContainer(_ id: String) async -> ContainerExit? {
        await withCheckedContinuation { (continuation: CheckedContinuation<ContainerExit?, Never>) in
            let now: ContainerExit?? = locked { state in
                guard let record = state.containers[id] else { return .some(nil) }
                switch record.status.state {
                case .running:
                    state.containers[id]?.waiters.append(continuation)
                    return nil
                case .exited: return .some(record.status.exit)
                case .created, .unknown: return .some(nil)
                }
            }
            if let now { continuation.resume(returning: now) }
        }
    }

    func exec(_ id: String, argv: [String], stdio: [Int32]) async throws(RuntimeError) -> Int32 { 0 }

    func execSync(_ id: String, argv: [String], timeout: Duration, outputLimit: Int) async throws(RuntimeError) -> ExecSyncResult {
        ExecSyncResult(exitCode: 0, output: [], timedOut: false)
    }

    // MARK: helpers

    private func exit(_ id: String, code: Int32, signal: Int32) {
        let (waiters, exit) = locked { state -> ([CheckedContinuation<ContainerExit?, Never>], ContainerExit?) in
            guard var record = state.containers[id], record.status.state == .running else { return ([], nil) }
            let exit = ContainerExit(exitCode: code, signal: signal, reason: code == 0 ? "Completed" : "Error", message: "",
                                     startedAt: record.status.startedAt ?? "", finishedAt: Self.now())
            record.status.state = .exited
            record.status.exit = exit
            record.status.pid = nil
            let waiters = record.waiters
            record.waiters = []
            state.containers[id] = record
            return (waiters, exit)
        }
        for waiter in waiters { waiter.resume(returning: exit) }
    }

    private static func newStatus(id: String, sandboxID: String, name: String, attempt: Int, image: String) -> RuntimeContainerStatus {
        RuntimeContainerStatus(id: id, sandboxID: sandboxID, name: name, attempt: attempt, image: image,
                               imageID: "sha256:" + image, state: .created, createdAt: now(), startedAt: nil, pid: nil,
                               shimPID: nil, exit: nil, logPath: "/logs/\(name)/\(attempt).log", labels: [:], annotations: [:])
    }

    static func now() -> String { RFC3339.formatNano(Date()) }
}
