import CBerth

/// Gives memory malloc keeps free back to the kernel now and then. After a burst (100 pods
/// starting at once, their requests and status updates) glibc's arenas keep the freed chunks
/// mapped: 1.7 MB of the agent's and 2.2 MB of the API server's resident memory at 100 pods,
/// measured by calling malloc_trim in them. `berth agent`, `server` and `up` run this.
public enum MemoryTrim {
    /// Trims every `interval` until the task is cancelled (a few microseconds with nothing to
    /// give back).
    public static func run(every interval: Duration = .seconds(5)) async {
        while !Task.isCancelled {
            do { try await Task.sleep(for: interval) } catch { return }
            _ = berth_malloc_trim()
        }
    }
}
