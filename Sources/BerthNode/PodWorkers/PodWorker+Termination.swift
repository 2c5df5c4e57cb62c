import BerthRuntime
import Foundation

extension PodWorker {
    /// Stops the pod gracefully: app containers (and a running init container) get SIGTERM and
    /// `gracePeriodSeconds` (the pod's own when nil) before SIGKILL; native sidecars are stopped
    /// after them, in reverse order, with what is left of the grace period. Returns once
    /// everything has stopped.
    public func terminate(gracePeriodSeconds: Double? = nil) async {
        if lifecycle == .syncing {
            lifecycle = .terminating
            graceDeadline = ContinuousClock.now + .milliseconds(Int((gracePeriodSeconds ?? plan.gracePeriodSeconds) * 1000))
            terminationRequested.fire()
            // The kubelet stops liveness and startup probes of a pod being deleted; readiness
            // no longer matters either (a terminating pod is not ready).
            stopAllProbing()
            publish()
            let running = (plan.initContainers + plan.containers).filter { $0.role != .sidecar }.compactMap { planned -> String? in
                guard let track = tracks[planned.name], case .running = track.state else { return nil }
                return track.containerID
            }
            await withTaskGroup(of: Void.self) { group in
                for id in running { group.addTask { await self.stopOwn(id) } }
            }
            appsStopped.fire()
        }
        await terminated.wait()
    }

    /// Native sidecars stop after the app containers, last declared first.
    func stopSidecars() async {
        sidecarsStopping = true
        for planned in plan.initContainers.reversed() where planned.role == .sidecar {
            guard let track = tracks[planned.name], let id = track.containerID else { continue }
            if case .running = track.state { await stopOwn(id) }
        }
        // A sidecar sleeping out a back-off must not start again.
        terminationRequested.fire()
    }

    /// Removes everything the pod left: containers, sandbox, emptyDir volumes, logs.
    public func remove(logDirectory: String?) async {
        if let sandboxID {
            do { try await runtime.removePodSandbox(sandboxID) } catch {
                logger.warning("sandbox not removed", metadata: ["pod": "\(plan.key)", "error": "\(error)"])
            }
        }
        for volume in plan.emptyDirs { EmptyDir.remove(path: volume.hostPath) }
        if let logDirectory { try? FileManager.default.removeItem(atPath: logDirectory) }
    }

    public var currentLifecycle: PodLifecycle { lifecycle }
}

extension PodWorker {
    /// Stops an adopted pod without running it first (`berth delete` when no berth process
    /// owns the pod any more): app and init containers, then sidecars in reverse order.
    public func stopAdopted(gracePeriodSeconds: Double?) async {
        lifecycle = .terminating
        graceDeadline = ContinuousClock.now + .milliseconds(Int((gracePeriodSeconds ?? plan.gracePeriodSeconds) * 1000))
        let runningIDs = { (roles: Set<ContainerRole>) -> [String] in
            self.adopted.values.filter { status in
                status.state == .running && roles.contains(self.tracks[status.name]?.role ?? .app)
            }.map(\.id)
        }
        let first = runningIDs([.app, .initContainer])
        await withTaskGroup(of: Void.self) { group in
            for id in first { group.addTask { await self.stopOwn(id) } }
        }
        for planned in plan.initContainers.reversed() where planned.role == .sidecar {
            if let status = adopted[planned.name], status.state == .running { await stopOwn(status.id) }
        }
        lifecycle = .terminated
        terminated.fire()
    }
}
