import BerthRuntime

/// Kubernetes' rules for restarts and pod phase, as pure functions.
public enum PhaseRules {
    public static func shouldRestart(role: ContainerRole, exitCode: Int32, policy: RestartPolicy) -> Bool {
        switch role {
        case .sidecar: return true
        case .initContainer: return exitCode != 0 && policy != .never
        case .app: return policy == .always || (policy == .onFailure && exitCode != 0)
        }
    }

    /// After a failed liveness or startup probe killed it, a container starts again unless the
    /// pod's policy is Never, whatever its exit code (the kubelet's shouldRestartOnFailure).
    public static func shouldRestartAfterProbeKill(role: ContainerRole, policy: RestartPolicy) -> Bool {
        role == .sidecar || policy != .never
    }

    /// The phase while the pod is syncing (the kubelet's getPhase).
    public static func phase(initialized: Bool, initContainers: [ContainerTrack], containers: [ContainerTrack],
                             restartPolicy: RestartPolicy) -> PodPhase {
        if !initialized {
            let failedInit = initContainers.contains { track in
                guard track.role == .initContainer, track.finished, case .terminated(let exit) = track.state else { return false }
                return exit.exitCode != 0
            }
            return failedInit && restartPolicy == .never ? .failed : .pending
        }
        var running = 0, waiting = 0, succeeded = 0, failed = 0, restarting = 0
        for track in containers {
            switch track.state {
            case .running: running += 1
            case .waiting(let reason, _):
                if reason == "CrashLoopBackOff" { restarting += 1 } else if track.lastTermination != nil { restarting += 1 } else { waiting += 1 }
            case .terminated(let exit):
                if !track.finished { restarting += 1 } else if exit.exitCode == 0 { succeeded += 1 } else { failed += 1 }
            }
        }
        if waiting > 0 { return .pending }
        if running > 0 || restarting > 0 { return .running }
        if failed > 0 { return .failed }
        if succeeded > 0 { return .succeeded }
        return .pending
    }

    /// The phase once nothing runs any more: Succeeded if every app container ended with 0.
    public static func finalPhase(tracks: [ContainerTrack], initFailed: Bool, current: PodPhase, sandboxFailed: Bool) -> PodPhase {
        if sandboxFailed || initFailed { return .failed }
        let allSucceeded = tracks.allSatisfy { track in
            if case .terminated(let exit) = track.state { return exit.exitCode == 0 }
            return false
        }
        return allSucceeded ? .succeeded : .failed
    }
}
