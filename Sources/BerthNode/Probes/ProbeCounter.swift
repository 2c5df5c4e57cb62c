/// The kubelet's bookkeeping for one probe of one container attempt (prober/worker.go): a run
/// of equal outcomes must reach the threshold before the probe's result changes, and errored
/// runs count neither way.
public struct ProbeCounter: Sendable, Equatable {
    public let successThreshold: Int
    public let failureThreshold: Int
    /// The settled result: nil while unknown (a startup probe before its first verdict).
    public private(set) var result: Bool?
    private var last: Bool?
    private var run = 0

    public init(successThreshold: Int, failureThreshold: Int, initial: Bool?) {
        self.successThreshold = max(1, successThreshold)
        self.failureThreshold = max(1, failureThreshold)
        self.result = initial
    }

    /// The kubelet's initial results: a readiness probe starts failed (not ready until it has
    /// passed), a liveness probe starts passed, a startup probe unknown.
    public init(spec: ProbeSpec, kind: ProbeKind) {
        let initial: Bool? = switch kind {
        case .readiness: false
        case .liveness: true
        case .startup: nil
        }
        self.init(successThreshold: spec.successThreshold, failureThreshold: spec.failureThreshold, initial: initial)
    }

    /// Records one run; returns the new result when this run changed it.
    public mutating func record(_ outcome: ProbeOutcome) -> Bool? {
        let success: Bool
        switch outcome {
        case .success: success = true
        case .failure: success = false
        case .error: return nil
        }
        if last == success {
            run += 1
        } else {
            last = success
            run = 1
        }
        guard run >= (success ? successThreshold : failureThreshold), result != success else { return nil }
        result = success
        return success
    }
}
