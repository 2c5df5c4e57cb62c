import BerthAPI
import BerthClient
import Foundation

/// What the benchmark saw of each pod, in CLOCK_MONOTONIC nanoseconds: when it POSTed it, when
/// the POST was answered, and when one watch on the benchmark's pods (opened before the first
/// POST) delivered the pod bound to the node, its first status from the agent, and its
/// Ready=True condition.
final class PodTimeline: @unchecked Sendable {
    struct Times: Sendable {
        var posted: UInt64?
        var postedWall: Int64?
        var answered: UInt64?
        var uid: String?
        var bound: UInt64?
        var firstStatus: UInt64?
        var ready: UInt64?
        var deleted: UInt64?
        /// The latest phase and container states, for the message when a pod never gets Ready.
        var lastSeen = "not seen on the watch"

        /// POST → Ready seen, in milliseconds.
        var latency: Double? {
            guard let posted, let ready else { return nil }
            return Double(ready &- posted) / 1_000_000
        }
    }

    private let lock = NSLock()
    private var times: [String: Times] = [:]
    private var watchErrors = 0

    func posting(_ name: String) {
        let mono = Monotonic.now(), wall = WallClock.now()
        lock.withLock {
            times[name, default: Times()].posted = mono
            times[name, default: Times()].postedWall = wall
        }
    }

    func answered(_ name: String, uid: String?) {
        let now = Monotonic.now()
        lock.withLock {
            times[name, default: Times()].answered = now
            if let uid { times[name, default: Times()].uid = uid }
        }
    }

    subscript(name: String) -> Times? { lock.withLock { times[name] } }

    func isReady(_ name: String) -> Bool { lock.withLock { times[name]?.ready != nil } }

    /// Records one watch event at the moment it arrived.
    func observe(_ event: WatchEvent) {
        let now = Monotonic.now()
        guard let name = event.object["metadata"]?["name"]?.stringValue else { return }
        let object = event.object
        lock.withLock {
            var entry = times[name, default: Times()]
            if event.type == "DELETED" {
                entry.deleted = entry.deleted ?? now
                times[name] = entry
                return
            }
            if entry.uid == nil { entry.uid = object["metadata"]?["uid"]?.stringValue }
            if entry.bound == nil, !(object["spec"]?["nodeName"]?.stringValue ?? "").isEmpty { entry.bound = now }
            let statuses = object["status"]?["containerStatuses"]?.arrayValue ?? []
            if entry.firstStatus == nil, !statuses.isEmpty { entry.firstStatus = now }
            let conditions = object["status"]?["conditions"]?.arrayValue ?? []
            let ready = conditions.contains { $0["type"]?.stringValue == "Ready" && $0["status"]?.stringValue == "True" }
            if ready, entry.ready == nil { entry.ready = now }
            entry.lastSeen = Self.describe(object)
            times[name] = entry
        }
    }

    /// "phase Pending; c1 waiting ContainerCreating, c2 running".
    static func describe(_ pod: JSONValue) -> String {
        let phase = pod["status"]?["phase"]?.stringValue ?? "none"
        let node = pod["spec"]?["nodeName"]?.stringValue ?? ""
        let containers = (pod["status"]?["containerStatuses"]?.arrayValue ?? []).map { status -> String in
            let name = status["name"]?.stringValue ?? "?"
            guard let state = status["state"]?.objectValue, let (key, value) = state.first else { return name + " ?" }
            let reason = value["reason"]?.stringValue.map { " " + $0 } ?? ""
            return "\(name) \(key)\(reason)"
        }
        return "phase \(phase)" + (node.isEmpty ? ", not bound" : "") + (containers.isEmpty ? "" : "; " + containers.joined(separator: ", "))
    }

    // MARK: the watch

    /// Watches the pods with `labelSelector` from `resourceVersion` until cancelled, resuming
    /// from the last resourceVersion when the stream ends.
    func watch(client: KubeClient, namespace: String, labelSelector: String, from resourceVersion: String) async {
        var last = resourceVersion
        while !Task.isCancelled {
            let options = ListOptions(labelSelector: labelSelector, resourceVersion: last, timeoutSeconds: 3600)
            do {
                for try await event in client.watch(.pods(namespace: namespace), options: options) {
                    if event.type == "ERROR" {
                        // 410: the history no longer reaches back; the waits will time out and say so.
                        FileHandle.standardError.write(Data("berth-bench: pod watch ended: \(event.object)\n".utf8))
                        return
                    }
                    observe(event)
                    if let rv = event.object["metadata"]?["resourceVersion"]?.stringValue { last = rv }
                }
            } catch {
                if Task.isCancelled { return }
                let count = lock.withLock { () -> Int in
                    watchErrors += 1
                    return watchErrors
                }
                FileHandle.standardError.write(Data("berth-bench: pod watch failed (\(count)): \(error); watching again\n".utf8))
                try? await Task.sleep(for: .milliseconds(100))
            }
        }
    }
}
