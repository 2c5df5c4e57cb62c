import BerthAPI
import Foundation

/// kubectl's pod columns (NAME READY STATUS RESTARTS AGE) for `berth get pods`. The logic is
/// BerthAPI's `PodSummary`, the same the API server's Table uses, so both read like kubectl.
public enum PodPrinter {
    public static func row(_ pod: Pod, now: Date = Date(), deleting: Bool = false) -> [String] {
        let summary = PodSummary(local(pod, deleting: deleting, now: now))
        return [pod.metadata.name ?? "", summary.ready, summary.status, summary.restartsText(now: now),
                HumanDuration.since(pod.metadata.creationTimestamp, now: now)]
    }

    public static let header = ["NAME", "READY", "STATUS", "RESTARTS", "AGE"]

    /// A local pod has no API server to set its phase to Pending on create, nor a deletion
    /// timestamp while it stops; fill both in so the shared logic sees what the API would show.
    private static func local(_ pod: Pod, deleting: Bool, now: Date) -> Pod {
        var pod = pod
        if pod.status?.phase?.isEmpty ?? true {
            var status = pod.status ?? PodStatus()
            status.phase = "Pending"
            pod.status = status
        }
        if deleting, pod.metadata.deletionTimestamp == nil { pod.metadata.deletionTimestamp = RFC3339.format(now) }
        return pod
    }

    /// kubectl's ages: 45s, 2m30s, 3h5m, 2d5h, 2y1d... (apimachinery's duration.HumanDuration).
    public static func age(_ seconds: TimeInterval) -> String {
        HumanDuration.string(seconds)
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
