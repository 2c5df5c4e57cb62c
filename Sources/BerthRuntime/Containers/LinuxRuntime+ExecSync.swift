import CBerth
import Dispatch
import Foundation

extension LinuxRuntime {
    public func execSync(_ id: String, argv: [String], timeout: Duration, outputLimit: Int) async throws(RuntimeError) -> ExecSyncResult {
        let (record, dir) = try record(id)
        guard ContainerStateFiles.readExit(directory: dir) == nil,
              let started = ContainerStateFiles.readStarted(directory: dir) else {
            throw .invalidState(id: record.config.name, message: "container is not running")
        }
        var pipeFDs: [Int32] = [-1, -1]
        guard pipe(&pipeFDs) == 0 else {
            throw .system(operation: "pipe", path: "exec output of \(record.config.name)", errno: lastErrno())
        }
        // berth_spawn closes every fd but the ones it hands over, so CLOEXEC is belt and braces here.
        _ = fcntl(pipeFDs[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(pipeFDs[1], F_SETFD, FD_CLOEXEC)
        // The collector owns the read end from here on and closes it when done.
        let collector = OutputCollector(fd: pipeFDs[0], limit: outputLimit)
        let launched: ShimLauncher.Launched
        do {
            launched = try await launchExec(record: record, directory: dir, targetPID: started.containerPID, argv: argv,
                                            stdio: [-1, pipeFDs[1], pipeFDs[1]])
        } catch {
            close(pipeFDs[1])
            _ = await collector.finish(drainFor: .zero)
            throw error
        }
        // Only the process now holds the write end: EOF comes when it (and what it started) is done.
        close(pipeFDs[1])
        if case .failed(let step, let errno, let message) = launched.report {
            if launched.shimPIDFD >= 0 { _ = await ProcessWatcher.waitForExit(pidfd: launched.shimPIDFD) }
            _ = await collector.finish(drainFor: .zero)
            throw .createContainer(container: record.config.name, step: "exec " + step, errno: errno, message: message)
        }
        var processFD: Int32 = -1
        if case .started(_, let processPID) = launched.report { processFD = berth_pidfd_open(processPID) }
        defer { if processFD >= 0 { close(processFD) } }
        let (status, timedOut) = await Self.waitShim(pidfd: launched.shimPIDFD, timeout: timeout, processFD: processFD)
        // A process it left in the background may hold the pipe open: take what came shortly after.
        let output = await collector.finish(drainFor: .milliseconds(100))
        return ExecSyncResult(exitCode: timedOut ? 137 : (status ?? 255), output: output, timedOut: timedOut)
    }

    /// Starts `berth-shim exec` for argv in the container whose init is `targetPID`.
    func launchExec(record: ContainerRecord, directory: String, targetPID: Int32, argv: [String],
                    stdio: [Int32]) async throws(RuntimeError) -> ShimLauncher.Launched {
        var config = record.config
        config.argv = argv
        let cgroup = cgroupParent.withComponents(record.cgroup)
        let bootstrap = Bootstrap.forExec(id: record.id, config: config, targetPID: targetPID,
                                          cgroupProcs: cgroups.procsFiles(cgroup))
        let file = directory + "/exec-\(Timestamp.randomID()).bootstrap"
        // The shim has the bootstrap open (fd 3) once launch returns: the file can go.
        defer { try? FileManager.default.removeItem(atPath: file) }
        return try await launcher.launch(mode: "exec", bootstrap: bootstrap, bootstrapFile: file, stdio: stdio)
    }

    /// Waits for the exec shim; once `timeout` has passed, SIGKILLs the process it runs (the
    /// shim then exits with 137). Returns the shim's exit status and whether it timed out.
    static func waitShim(pidfd: Int32, timeout: Duration, processFD: Int32) async -> (Int32?, Bool) {
        guard pidfd >= 0 else { return (nil, false) }
        enum Outcome: Sendable { case exited(Int32?), timedOut }
        return await withTaskGroup(of: Outcome?.self) { group in
            group.addTask { .exited(await ProcessWatcher.waitForExit(pidfd: pidfd)) }
            group.addTask {
                do { try await Task.sleep(for: timeout) } catch { return nil }  // it ended in time
                if processFD >= 0 { _ = berth_pidfd_send_signal(processFD, SIGKILL) }
                return .timedOut
            }
            var status: Int32?
            var timedOut = false
            for await outcome in group {
                switch outcome {
                case .exited(let code)?:
                    status = code
                    group.cancelAll()
                case .timedOut?:
                    timedOut = true
                case nil:
                    break
                }
            }
            return (status, timedOut)
        }
    }
}

/// Reads a pipe on a thread of its own until EOF, keeping the first `limit` bytes (the rest is
/// read and dropped, so the writer never blocks on a full pipe).
final class OutputCollector: Sendable {
    /// When the reader gives up waiting for EOF; nil until `finish` is called.
    private final class StopTime: @unchecked Sendable {
        private let lock = NSLock()
        private var instant: ContinuousClock.Instant?
        var value: ContinuousClock.Instant? {
            get { lock.withLock { instant } }
            set { lock.withLock { instant = newValue } }
        }
    }

    private let stopTime = StopTime()
    private let done: Task<[UInt8], Never>

    init(fd: Int32, limit: Int) {
        let stopTime = self.stopTime
        done = Task {
            await withCheckedContinuation { (continuation: CheckedContinuation<[UInt8], Never>) in
                // A thread of its own: the read polls for as long as the exec runs, and a
                // dispatch worker held that long is one Swift's executor shares.
                Thread.detachNewThread {
                    continuation.resume(returning: Self.read(fd: fd, limit: limit, stopTime: stopTime))
                }
            }
        }
    }

    /// Lets the reader go on for at most `drainFor` if no EOF has come yet, then returns what it read.
    func finish(drainFor: Duration) async -> [UInt8] {
        stopTime.value = .now + drainFor
        return await done.value
    }

    private static func read(fd: Int32, limit: Int, stopTime: StopTime) -> [UInt8] {
        defer { close(fd) }
        var kept: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let ready = berth_poll_fd(fd, Int32(POLLIN), 20)
            if ready < 0 { break }
            if ready == 0 {
                if let stop = stopTime.value, ContinuousClock.now >= stop { break }
                continue
            }
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            if kept.count < limit { kept += buffer[0..<min(n, limit - kept.count)] }
        }
        return kept
    }
}
