/// Probes one container attempt for as long as it runs, as the kubelet's probe workers for
/// one container do: the startup probe first (the others wait until it has passed), then the
/// liveness and readiness probes side by side, each first after its initial delay from the
/// container's start and then once per period. A startup or liveness probe stops at its first
/// failure verdict (the container is about to be killed; a new attempt gets a new loop).
/// Ends when its task is cancelled. The clock is injected so that tests drive time.
struct ContainerProbeLoop<C: Clock>: Sendable where C.Duration == Duration {
    enum Report: Sendable, Equatable {
        /// A run failed or errored (for the `Unhealthy` event).
        case unhealthy(ProbeKind, ProbeOutcome)
        /// The probe's result changed to `passed`.
        case changed(ProbeKind, passed: Bool)
    }

    let probes: ContainerProbes
    let target: ProbeTarget
    let prober: any Prober
    let clock: C
    /// When the container started (initial delays count from here).
    let startedAt: C.Instant
    let report: @Sendable (Report) async -> Void

    func run() async {
        if let startup = probes.startup {
            guard await probe(.startup, startup) == true else { return }
        }
        await withTaskGroup(of: Void.self) { group in
            for kind in [ProbeKind.liveness, .readiness] {
                guard let spec = probes[kind] else { continue }
                group.addTask { _ = await probe(kind, spec) }
            }
        }
    }

    /// Runs one probe until its verdict ends it (startup passed; startup or liveness failed),
    /// returning that verdict, or until cancelled (nil).
    func probe(_ kind: ProbeKind, _ spec: ProbeSpec) async -> Bool? {
        var counter = ProbeCounter(spec: spec, kind: kind)
        var next = startedAt.advanced(by: spec.initialDelay)
        while true {
            do { try await clock.sleep(until: next, tolerance: nil) } catch { return nil }
            // The next run is a period after this one began, however long this one takes.
            next = clock.now.advanced(by: spec.period)
            let outcome = await prober.probe(spec.action, target: target, timeout: spec.timeout)
            if Task.isCancelled { return nil }
            if case .success = outcome {} else { await report(.unhealthy(kind, outcome)) }
            guard let passed = counter.record(outcome) else { continue }
            await report(.changed(kind, passed: passed))
            if kind == .startup && passed { return true }
            if kind.killsOnFailure && !passed { return false }
        }
    }
}
