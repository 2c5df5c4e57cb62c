import BerthAPI
import BerthRuntime
import Foundation

extension PodWorker {
    /// Starts the probe loop of a container attempt that is now running, and resets what its
    /// probes say: not started until a startup probe passes, not ready until a readiness probe does.
    func startProbing(_ planned: PlannedContainer, containerID: String, startedAt: ContinuousClock.Instant) {
        stopProbing(planned.name)
        tracks[planned.name]?.startupProbePassed = planned.probes.startup == nil ? nil : false
        tracks[planned.name]?.readinessProbePassed = planned.probes.readiness == nil ? nil : false
        guard !planned.probes.isEmpty, let sandboxID else { return }
        let name = planned.name
        let key = plan.key
        let onEvent = self.onEvent
        let loop = ContainerProbeLoop(
            probes: planned.probes, target: ProbeTarget(containerID: containerID, sandboxID: sandboxID), prober: prober,
            clock: ContinuousClock(), startedAt: startedAt
        ) { [self] report in
            switch report {
            case .unhealthy(let kind, let outcome):
                onEvent(.containerUnhealthy(pod: key, container: name, probe: kind, outcome: outcome))
            case .changed(let kind, let passed):
                await probeChanged(name, containerID: containerID, kind: kind, passed: passed)
            }
        }
        probeTasks[name] = Task { await loop.run() }
    }

    /// Ends a container's probe loop (its container stopped, or the pod is terminating).
    func stopProbing(_ name: String) {
        probeTasks.removeValue(forKey: name)?.cancel()
    }

    func stopAllProbing() {
        for task in probeTasks.values { task.cancel() }
        probeTasks.removeAll()
    }

    /// Fires `started` now, or for a sidecar with a startup probe once that probe has passed.
    func announceStarted(_ planned: PlannedContainer, _ started: AsyncEvent?) {
        guard let started, !started.isFired else { return }
        if planned.role == .sidecar && planned.probes.startup != nil && tracks[planned.name]?.startupProbePassed != true {
            pendingStarted[planned.name] = started
        } else {
            started.fire()
        }
    }

    /// A probe's result changed for the attempt `containerID` of container `name`.
    func probeChanged(_ name: String, containerID: String, kind: ProbeKind, passed: Bool) {
        guard lifecycle == .syncing, let track = tracks[name], track.containerID == containerID,
              case .running = track.state,
              let planned = (plan.initContainers + plan.containers).first(where: { $0.name == name }) else { return }
        switch (kind, passed) {
        case (.startup, true):
            tracks[name]?.startupProbePassed = true
            pendingStarted.removeValue(forKey: name)?.fire()
            publish()
        case (.readiness, _):
            guard track.readinessProbePassed != passed else { return }
            tracks[name]?.readinessProbePassed = passed
            publish()
        case (.startup, false), (.liveness, false):
            killUnhealthy(planned, containerID: containerID, kind: kind)
        case (.liveness, true):
            break
        }
    }

    /// Stops a container whose liveness or startup probe failed, with the probe's own grace
    /// period if it has one; `supervise` sees the exit and starts it again (policy permitting).
    func killUnhealthy(_ planned: PlannedContainer, containerID: String, kind: ProbeKind) {
        guard !(planned.role == .sidecar && sidecarsStopping), probeKills.insert(containerID).inserted else { return }
        let restart = PhaseRules.shouldRestartAfterProbeKill(role: planned.role, policy: plan.restartPolicy)
        let message = "Container \(planned.name) failed \(kind.rawValue.lowercased()) probe" + (restart ? ", will be restarted" : "")
        logger.info("killing unhealthy container", metadata: ["pod": "\(plan.key)", "container": "\(planned.name)",
                                                              "probe": "\(kind.rawValue)"])
        onEvent(.containerKilling(pod: plan.key, container: planned.name, message: message))
        let grace = planned.probes[kind]?.terminationGracePeriodSeconds ?? plan.gracePeriodSeconds
        let runtime = self.runtime
        let logger = self.logger
        let key = plan.key
        Task {
            do { try await runtime.stopContainer(containerID, gracePeriodSeconds: grace) } catch {
                logger.warning("unhealthy container not stopped", metadata: ["pod": "\(key)", "container": "\(planned.name)",
                                                                             "error": "\(error)"])
            }
        }
    }

    /// The monotonic instant a container started at, from its RFC 3339 start time (for a
    /// container adopted from an earlier agent); now when unknown.
    static func instant(ofRFC3339 timestamp: String?) -> ContinuousClock.Instant {
        guard let timestamp, let date = RFC3339.parse(timestamp) else { return .now }
        let elapsed = max(0, Date().timeIntervalSince(date))
        return ContinuousClock.now.advanced(by: .milliseconds(Int64(elapsed * 1000)) * -1)
    }
}
