import CBerth
import Dispatch
import Foundation

/// Waits for processes to end without a thread per process: each wait is a pidfd watched by
/// `Readiness` (epoll underneath). A process that is our child is reaped here, by its own
/// pidfd, so no other place ever calls waitpid for it.
public enum ProcessWatcher {
    /// Suspends until `pid` has exited. Returns its exit status (code, or 128+signal) when it was
    /// our child, nil when it was not (someone else reaps it) or it was already gone.
    public static func waitForExit(pid: Int32) async -> Int32? {
        let pidfd = berth_pidfd_open(pid)
        guard pidfd >= 0 else { return nil }
        return await waitForExit(pidfd: pidfd)
    }

    /// As `waitForExit(pid:)`, taking ownership of an already opened pidfd.
    public static func waitForExit(pidfd: Int32) async -> Int32? {
        await withCheckedContinuation { (continuation: CheckedContinuation<Int32?, Never>) in
            onExit(pidfd: pidfd) { continuation.resume(returning: $0) }
        }
    }

    /// Calls `handler` once, on `Readiness.shared.queue`, when the process has exited, with its
    /// status if it was our child (reaped here). Takes ownership of the pidfd.
    public static func onExit(pidfd: Int32, handler: @escaping @Sendable (Int32?) -> Void) {
        let reap = { @Sendable (nohang: Int32) in
            var status: Int32 = 0
            let reaped = berth_pidfd_wait(pidfd, nohang, &status)
            close(pidfd)
            handler(reaped == 1 ? status : nil)
        }
        // Readable: the process has exited, and a child of ours can be reaped without waiting.
        guard Readiness.shared.onReadable(pidfd, { reap(1) }) == nil else { return }
        // Not watchable (no epoll): a blocking wait on a thread of its own.
        Thread.detachNewThread { reap(0) }
    }

    /// Suspends until the process behind `pidfd` has exited or `timeout` has passed; true if it
    /// exited. The caller keeps the pidfd (open until this returns), and nothing is reaped:
    /// for processes that are not our children, such as a container whose parent is its shim.
    public static func exited(pidfd: Int32, within timeout: Duration) async -> Bool {
        let readiness = Readiness.shared
        return await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            guard let token = readiness.onReadable(pidfd, { continuation.resume(returning: true) }) else {
                // Not watchable: poll the pidfd on a thread of its own.
                Thread.detachNewThread { continuation.resume(returning: pollExited(pidfd: pidfd, within: timeout)) }
                return
            }
            let nanoseconds = timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
            readiness.queue.asyncAfter(deadline: .now() + .nanoseconds(Int(max(0, nanoseconds)))) {
                if readiness.cancel(token) { continuation.resume(returning: false) }
            }
        }
    }

    private static func pollExited(pidfd: Int32, within timeout: Duration) -> Bool {
        let milliseconds = timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000
        return berth_pidfd_poll(pidfd, Int32(clamping: milliseconds)) == 1
    }

    /// True while `pid` exists (also as a zombie nobody reaped yet).
    public static func isAlive(pid: Int32) -> Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }
}

/// A container's exit, awaited by any number of tasks and completed once.
final class ExitWait: @unchecked Sendable {
    private let lock = NSLock()
    private var result: ContainerExit??
    private var waiters: [CheckedContinuation<ContainerExit?, Never>] = []

    func complete(_ exit: ContainerExit?) {
        let toResume: [CheckedContinuation<ContainerExit?, Never>] = lock.withLock {
            guard result == nil else { return [] }
            result = .some(exit)
            defer { waiters = [] }
            return waiters
        }
        for waiter in toResume { waiter.resume(returning: exit) }
    }

    func value() async -> ContainerExit? {
        await withCheckedContinuation { (continuation: CheckedContinuation<ContainerExit?, Never>) in
            let done: ContainerExit?? = lock.withLock {
                if let result { return result }
                waiters.append(continuation)
                return nil
            }
            if let done { continuation.resume(returning: done) }
        }
    }
}
