import Foundation

/// The READY, STATUS and RESTARTS of `kubectl get pods`, computed as the kube-apiserver's
/// `printPod` does (pkg/printers/internalversion/printers.go), native sidecars included:
/// restartable init containers count in READY once started, and their restarts count even
/// after initialisation; the other init containers' restarts count only while initialising.
public struct PodSummary: Sendable, Equatable {
    public var readyContainers: Int
    public var totalContainers: Int
    /// `Running`, `Init:1/2`, `Init:CrashLoopBackOff`, `Completed`, `Terminating`...
    public var status: String
    public var restarts: Int
    /// When the most recently restarted counted container last finished, if known.
    public var lastRestart: Date?

    public init(_ pod: Pod) {
        let podStatus = pod.status ?? PodStatus()
        let phase = podStatus.phase ?? ""
        var reason = phase
        if let r = podStatus.reason, !r.isEmpty { reason = r }
        for condition in podStatus.conditions ?? [] where condition.type == "PodScheduled" && condition.reason == "SchedulingGated" {
            reason = "SchedulingGated"
        }

        let initSpecs = pod.spec.initContainers ?? []
        let sidecars = Set(initSpecs.filter { $0.restartPolicy == "Always" }.map(\.name))
        let total = pod.spec.containers.count + initSpecs.filter { sidecars.contains($0.name) }.count
        var ready = 0
        var restarts = 0
        var sidecarRestarts = 0
        var lastRestart: Date?
        var lastSidecarRestart: Date?

        var initializing = false
        for (index, status) in (podStatus.initContainerStatuses ?? []).enumerated() {
            let isSidecar = sidecars.contains(status.name)
            let finished = Self.finishedAt(status.lastState)
            restarts += Int(status.restartCount)
            lastRestart = Self.later(lastRestart, finished)
            if isSidecar {
                sidecarRestarts += Int(status.restartCount)
                lastSidecarRestart = Self.later(lastSidecarRestart, finished)
            }
            if let terminated = status.state?.terminated, terminated.exitCode == 0 { continue }
            if isSidecar, status.started == true {
                if status.ready { ready += 1 }
                continue
            }
            if let terminated = status.state?.terminated {
                if let r = terminated.reason, !r.isEmpty {
                    reason = "Init:" + r
                } else if let signal = terminated.signal, signal != 0 {
                    reason = "Init:Signal:\(signal)"
                } else {
                    reason = "Init:ExitCode:\(terminated.exitCode)"
                }
            } else if let waiting = status.state?.waiting?.reason, !waiting.isEmpty, waiting != "PodInitializing" {
                reason = "Init:" + waiting
            } else {
                reason = "Init:\(index)/\(initSpecs.count)"
            }
            initializing = true
            break
        }

        if !initializing || Self.condition("Initialized", isTrueIn: podStatus) {
            restarts = sidecarRestarts
            lastRestart = lastSidecarRestart
            var hasRunning = false
            for status in (podStatus.containerStatuses ?? []).reversed() {
                restarts += Int(status.restartCount)
                lastRestart = Self.later(lastRestart, Self.finishedAt(status.lastState))
                if let waiting = status.state?.waiting?.reason, !waiting.isEmpty {
                    reason = waiting
                } else if let terminated = status.state?.terminated {
                    if let r = terminated.reason, !r.isEmpty {
                        reason = r
                    } else if let signal = terminated.signal, signal != 0 {
                        reason = "Signal:\(signal)"
                    } else {
                        reason = "ExitCode:\(terminated.exitCode)"
                    }
                } else if status.ready, status.state?.running != nil {
                    hasRunning = true
                    ready += 1
                }
            }
            // A pod whose last container completed while another still runs is not "Completed".
            if reason == "Completed", hasRunning {
                reason = Self.condition("Ready", isTrueIn: podStatus) ? "Running" : "NotReady"
            }
        }

        if pod.metadata.deletionTimestamp != nil {
            if podStatus.reason == "NodeLost" {
                reason = "Unknown"
            } else if phase != "Succeeded", phase != "Failed" {
                reason = "Terminating"
            }
        }

        self.readyContainers = ready
        self.totalContainers = total
        self.status = reason
        self.restarts = restarts
        self.lastRestart = lastRestart
    }

    /// `1/2`.
    public var ready: String { "\(readyContainers)/\(totalContainers)" }

    /// `3`, or `3 (5m ago)` when the last restart's time is known, as kubectl ≥ 1.23 prints it.
    public func restartsText(now: Date) -> String {
        guard restarts != 0, let lastRestart else { return String(restarts) }
        return "\(restarts) (\(HumanDuration.string(now.timeIntervalSince(lastRestart))) ago)"
    }

    static func finishedAt(_ state: ContainerState?) -> Date? {
        state?.terminated?.finishedAt.flatMap(RFC3339.parse)
    }

    static func later(_ a: Date?, _ b: Date?) -> Date? {
        guard let b else { return a }
        guard let a else { return b }
        return max(a, b)
    }

    static func condition(_ type: String, isTrueIn status: PodStatus) -> Bool {
        (status.conditions ?? []).first { $0.type == type }?.status == "True"
    }
}
