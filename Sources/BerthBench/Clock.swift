import Foundation

/// CLOCK_MONOTONIC in nanoseconds: what every sample is measured with, here and in the peer.
enum Monotonic {
    static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    static func milliseconds(since start: UInt64) -> Double {
        Double(now() &- start) / 1_000_000
    }
}

/// The samples of one runtime in one scenario, in milliseconds.
struct Samples: Sendable {
    var values: [Double] = []

    var median: Double {
        guard !values.isEmpty else { return .nan }
        let sorted = values.sorted()
        let mid = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
    }
    var min: Double { values.min() ?? .nan }
    /// Nearest-rank percentile: the smallest sample with at least p % of the samples at or
    /// below it (p99 of 100 samples is the 99th smallest).
    func percentile(_ p: Double) -> Double {
        guard !values.isEmpty else { return .nan }
        let sorted = values.sorted()
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return sorted[Swift.min(Swift.max(rank, 1), sorted.count) - 1]
    }
    var max: Double { values.max() ?? .nan }
}

/// Set by SIGINT/SIGTERM; the loops check it between iterations and then clean up.
final class Interruption: @unchecked Sendable {
    private let lock = NSLock()
    private var flag = false
    private var sources: [DispatchSourceSignal] = []

    func install() {
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                self.lock.withLock { self.flag = true }
                FileHandle.standardError.write(Data("\nberth-bench: interrupted, cleaning up...\n".utf8))
            }
            source.resume()
            sources.append(source)
        }
    }

    var isSet: Bool { lock.withLock { flag } }

    func check() throws(BenchError) {
        if isSet { throw .interrupted }
    }
}
