import CBerth
import Foundation
import Testing

@testable import BerthRuntime

/// The epoll waits under every container exit and shim report: handlers run once, cancelled
/// waits never, and descriptors closed and reused while others are waited on confuse nothing
/// (the churn that crashed libdispatch's read sources).
@Suite(.timeLimit(.minutes(1))) struct ReadinessTests {
    /// A pipe.
    static func pipePair() throws -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
        return (fds[0], fds[1])
    }

    @Test func aHandlerRunsOnceWhenTheDescriptorBecomesReadable() async throws {
        let (r, w) = try Self.pipePair()
        defer { close(r); close(w) }
        let count = Counter()
        let fired = AsyncStream<Void>.makeStream()
        #expect(Readiness.shared.onReadable(r) { count.add(); fired.continuation.yield() } != nil)
        #expect(count.value == 0)
        _ = write(w, "x", 1)
        var iterator = fired.stream.makeAsyncIterator()
        _ = await iterator.next()
        _ = write(w, "y", 1)  // one-shot: no second call
        let again = Readiness.shared.onReadable(r) { count.add() }  // still readable: fires at once
        #expect(again != nil)
        #expect(await eventually { count.value == 2 })
    }

    @Test func aCancelledWaitNeverRuns() async throws {
        let (r, w) = try Self.pipePair()
        defer { close(r); close(w) }
        let count = Counter()
        let token = try #require(Readiness.shared.onReadable(r) { count.add() })
        #expect(Readiness.shared.cancel(token))
        #expect(!Readiness.shared.cancel(token))
        _ = write(w, "x", 1)
        // A later wait on the same descriptor runs; the cancelled one still does not.
        let marker = Counter()
        Readiness.shared.onReadable(r) { marker.add() }
        #expect(await eventually { marker.value == 1 })
        #expect(count.value == 0)
    }

    @Test func manyWaitsRegisteredCancelledAndClosedConcurrently() async throws {
        let rounds = 2000
        let fired = Counter()
        let cancelled = Counter()
        let failed = Counter()
        // In batches of 200 (400 descriptors), under the usual limit of 1024 open files.
        for batch in 0..<(rounds / 200) {
            await withTaskGroup(of: Void.self) { group in
                for index in 0..<200 {
                    group.addTask { await Self.waitOnce(round: batch * 200 + index, fired, cancelled, failed) }
                }
            }
        }
        #expect(failed.value == 0)
        #expect(fired.value + cancelled.value == rounds)
        #expect(cancelled.value > 0)
    }

    /// One pipe: waited on and written to, or (every third) its wait cancelled; then closed, so
    /// that the next rounds reuse the descriptor numbers.
    static func waitOnce(round: Int, _ fired: Counter, _ cancelled: Counter, _ failed: Counter) async {
        guard let (r, w) = try? pipePair() else { return failed.add() }
        defer { close(r); close(w) }
        let done = AsyncStream<Void>.makeStream()
        guard let token = Readiness.shared.onReadable(r, { fired.add(); done.continuation.yield() }) else {
            return failed.add()
        }
        if round % 3 == 0 {
            if Readiness.shared.cancel(token) { cancelled.add() } else { failed.add() }
            return
        }
        _ = write(w, "x", 1)
        var iterator = done.stream.makeAsyncIterator()
        _ = await iterator.next()
    }

    @Test func processExitIsSeenAndOurChildIsReaped() async throws {
        var pid: pid_t = 0
        let rc = withCStrings(["/bin/sh", "-c", "exit 3"]) { argv in
            withCStrings([]) { envp in berth_spawn("/bin/sh", argv, envp, nil, 0, 0, &pid) }
        }
        try #require(rc == 0)
        let status = await ProcessWatcher.waitForExit(pid: pid)
        #expect(status == 3)
        #expect(!ProcessWatcher.isAlive(pid: pid), "reaped through its pidfd")
    }

    @Test func exitedWithinTimesOutForARunningProcess() async throws {
        var pid: pid_t = 0
        let rc = withCStrings(["/bin/sleep", "30"]) { argv in
            withCStrings([]) { envp in berth_spawn("/bin/sleep", argv, envp, nil, 0, 0, &pid) }
        }
        try #require(rc == 0)
        let pidfd = berth_pidfd_open(pid)
        defer {
            kill(pid, SIGKILL)
            if pidfd >= 0 { close(pidfd) }
            waitpid(pid, nil, 0)
        }
        try #require(pidfd >= 0)
        #expect(await ProcessWatcher.exited(pidfd: pidfd, within: .milliseconds(50)) == false)
        _ = berth_pidfd_send_signal(pidfd, SIGKILL)
        #expect(await ProcessWatcher.exited(pidfd: pidfd, within: .seconds(30)) == true)
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}

/// Polls `condition` until it holds or `timeout` passes.
func eventually(timeout: Duration = .seconds(30), _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return condition()
}
