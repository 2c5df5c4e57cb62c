import CBerth
import Foundation

/// Waits for file descriptors (pidfds, pipes) to become readable on one thread of its own,
/// blocked in `epoll_wait`, and runs the handlers on a serial queue.
///
/// Not libdispatch read sources: their epoll bookkeeping has a use-after-free when sources
/// are registered and cancelled from several threads at once (swift-corelibs-libdispatch
/// issue 949, open); the agent crashed in `_dispatch_event_loop_drain` with pods starting
/// all at once, although every source closed its descriptor only in its cancel handler.
/// Here a registration is a number that is never reused, not a pointer: an event that
/// arrives for a registration already gone finds nothing and is dropped.
public final class Readiness: @unchecked Sendable {
    public static let shared = Readiness()

    public struct Token: Hashable, Sendable {
        fileprivate let value: UInt64
    }

    private struct Waiter {
        let fd: Int32
        let handler: @Sendable () -> Void
    }

    /// Where the handlers run, one at a time.
    public let queue = DispatchQueue(label: "berth.readiness")
    private let epollFD: Int32
    private let lock = NSLock()
    // Under `lock`.
    private var waiters: [UInt64: Waiter] = [:]
    private var nextToken: UInt64 = 1
    private var started = false

    private init() {
        epollFD = berth_epoll_create()
    }

    /// Calls `handler` on `queue` once, the next time `fd` is readable (for a pidfd: the
    /// process has exited). The caller keeps `fd` and must not close it until the handler has
    /// run or `cancel` has returned true. Nil when the descriptor cannot be watched.
    @discardableResult
    public func onReadable(_ fd: Int32, _ handler: @escaping @Sendable () -> Void) -> Token? {
        guard epollFD >= 0 else { return nil }
        return lock.withLock { () -> Token? in
            startIfNeeded()
            let token = nextToken
            nextToken += 1
            guard berth_epoll_add_readable(epollFD, fd, token) == 0 else { return nil }
            waiters[token] = Waiter(fd: fd, handler: handler)
            return Token(value: token)
        }
    }

    /// Stops a wait; true if its handler will not run (false: it ran or is about to).
    @discardableResult
    public func cancel(_ token: Token) -> Bool {
        lock.withLock {
            guard let waiter = waiters.removeValue(forKey: token.value) else { return false }
            _ = berth_epoll_remove(epollFD, waiter.fd)
            return true
        }
    }

    /// Under `lock`.
    private func startIfNeeded() {
        guard !started else { return }
        started = true
        let thread = Thread { [self] in loop() }
        thread.name = "berth.readiness"
        thread.stackSize = 64 * 1024
        thread.start()
    }

    private func loop() {
        var tokens = [UInt64](repeating: 0, count: 64)
        while true {
            let count = berth_epoll_wait(epollFD, &tokens, Int32(tokens.count), -1)
            guard count > 0 else { continue }  // EINTR
            for token in tokens[0..<Int(count)] {
                // Removed under the lock, with the descriptor still open (its owner does not
                // close it before the handler ran or a cancel took the waiter away).
                let waiter: Waiter? = lock.withLock {
                    guard let waiter = waiters.removeValue(forKey: token) else { return nil }
                    _ = berth_epoll_remove(epollFD, waiter.fd)
                    return waiter
                }
                if let waiter { queue.async(execute: waiter.handler) }
            }
        }
    }
}
