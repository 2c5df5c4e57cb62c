import BerthAPI
import Foundation

/// kubectl's pod columns (NAME READY STATUS RESTARTS AGE), computed as the kube-apiserver's
/// printer does so that `berth get pods` reads like `kubectl get pods`.
public enum PodPrinter {
    public static func row(_ pod: Pod, now: Date = Date(), deleting: Bool = false) -> [String] {
        let statuses = pod.status?.containerStatuses ?? []
        let initStatuses = pod.status?.initContainerStatuses ?? []
        let sidecars = Set((pod.spec.initContainers ?? []).filter { $0.restartPolicy == "Always" }.map(\.name))
        let total = pod.spec.containers.count + sidecars.count
        let ready = statuses.filter(\.ready).count + initStatuses.filter { sidecars.contains($0.name) && $0.ready }.count
        let restarts = (statuses + initStatuses).reduce(0) { $0 + Int($1.restartCount) }
        var age = "<unknown>"
        if let created = pod.metadata.creationTimestamp.flatMap(RFC3339.parse) { age = Self.age(now.timeIntervalSince(created)) }
        return [pod.metadata.name ?? "", "\(ready)/\(total)", reason(pod, deleting: deleting), "\(restarts)", age]
    }

    public static let header = ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]

    static func reason(_ pod: Pod, deleting: Bool) -> String {
        var reason = pod.status?.reason ?? pod.status?.phase ?? "Pending"
        let initSpecs = pod.spec.initContainers ?? []
        var initializing = false
        for (index, status) in (pod.status?.initContainerStatuses ?? []).enumerated() {
            let isSidecar = initSpecs.first { $0.name == status.name }?.restartPolicy == "Always"
            if let terminated = status.state?.terminated, terminated.exitCode == 0 { continue }
            if isSidecar, status.started == true { continue }
            if let terminated = status.state?.terminated {
                reason = "Init:" + (terminated.reason ?? "ExitCode:\(terminated.exitCode)")
            } else if let waiting = status.state?.waiting?.reason, waiting != "PodInitializing" {
                reason = "Init:" + waiting
            } else {
                reason = "Init:\(index)/\(initSpecs.count)"
            }
            initializing = true
            break
        }
        if !initializing {
            var hasRunning = false
            for status in (pod.status?.containerStatuses ?? []).reversed() {
                if let waiting = status.state?.waiting?.reason, !waiting.isEmpty {
                    reason = waiting
                } else if let terminated = status.state?.terminated {
                    reason = terminated.reason ?? (terminated.signal != nil ? "Signal:\(terminated.signal ?? 0)" : "ExitCode:\(terminated.exitCode)")
                } else if status.ready, status.state?.running != nil {
                    hasRunning = true
                }
            }
            if reason == "Completed" && hasRunning { reason = "Running" }
        }
        if deleting || pod.metadata.deletionTimestamp != nil { reason = "Terminating" }
        return reason
    }

    /// kubectl's ages: 45s, 2m30s, 3h5m, 2d5h, 2y1d... (apimachinery's duration.HumanDuration).
    public static func age(_ seconds: TimeInterval) -> String {
        let s = Int(seconds)
        if s < -1 { return "<invalid>" }
        if s < 0 { return "0s" }
        if s < 120 { return "\(s)s" }
        let m = s / 60
        if m < 10 { return s % 60 == 0 ? "\(m)m" : "\(m)m\(s % 60)s" }
        if m < 180 { return "\(m)m" }
        let h = m / 60
        if h < 8 { return m % 60 == 0 ? "\(h)h" : "\(h)h\(m % 60)m" }
        if h < 48 { return "\(h)h" }
        if h < 24 * 8 { return h % 24 == 0 ? "\(h / 24)d" : "\(h / 24)d\(h % 24)h" }
        if h < 24 * 365 * 2 { return "\(h / 24)d" }
        if h < 24 * 365 * 8 { return (h / 24) % 365 == 0 ? "\(h / 24 / 365)y" : "\(h / 24 / 365)y\((h / 24) % 365)d" }
        return "\(h / 24 / 365)y"
    }

    /// Left-aligned columns three spaces apart, like kubectl's tabwriter.
    public static func table(_ rows: [[String]]) -> String {
        guard let first = rows.first else { return "" }
        var widths = Array(repeating: 0, count: first.count)
        for row in rows { for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) } }
        return rows.map { row in
            row.enumerated().map { i, cell in
                i == row.count - 1 ? cell : cell.padding(toLength: widths[i] + 3, withPad: " ", startingAt: 0)
            }.joined()
        }.joined(separator: "\n") + "\n"
    }
}
