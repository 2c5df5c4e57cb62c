import BerthAPI
import BerthClient
import Foundation
import Logging

/// Posts core/v1 Events about pods, as the kubelet's event recorder: source kubelet/<node>,
/// and a repeat of the same reason and message for the same object bumps `count` and
/// `lastTimestamp` of the event already posted instead of creating another one. Events are
/// queued and posted in order by one task, so recording never blocks a pod worker.
final class EventRecorder: Sendable {
    struct Record: Sendable {
        var involved: ObjectReference
        var type: String
        var reason: String
        var message: String
        var time: Date
    }

    private let continuation: AsyncStream<Record>.Continuation
    private let stream: AsyncStream<Record>

    init() {
        (stream, continuation) = AsyncStream.makeStream(of: Record.self, bufferingPolicy: .bufferingNewest(1024))
    }

    func record(_ involved: ObjectReference, type: String = Event.normal, reason: String, message: String) {
        continuation.yield(Record(involved: involved, type: type, reason: reason, message: message, time: Date()))
    }

    func finish() { continuation.finish() }

    /// Posts queued events until `finish()` or cancellation.
    func run(api: any ClusterAPI, nodeName: String, logger: Logger) async {
        var posted = EventAggregator(limit: 4096)
        for await record in stream {
            let namespace = record.involved.namespace ?? "default"
            let key = EventAggregator.Key(uid: record.involved.uid ?? "", fieldPath: record.involved.fieldPath ?? "",
                                          type: record.type, reason: record.reason, message: record.message)
            let timestamp = RFC3339.format(record.time)
            if let previous = posted.lookup(key) {
                let count = previous.count + 1
                let patch: JSONValue = .object(["count": .int(Int64(count)), "lastTimestamp": .string(timestamp)])
                do {
                    _ = try await api.patch(.events(namespace: namespace, name: previous.name), type: .merge, body: patch)
                    posted.store(key, name: previous.name, count: count)
                    continue
                } catch {
                    // Gone (expired, or its namespace deleted): post a new one.
                    if !error.isNotFound {
                        logger.debug("event not updated", metadata: ["reason": "\(record.reason)", "error": "\(error)"])
                        continue
                    }
                }
            }
            let name = "\(record.involved.name ?? "unknown").\(String(UInt64(record.time.timeIntervalSince1970 * 1e9), radix: 16))"
            let event = Event(
                metadata: ObjectMeta(name: name, namespace: namespace), involvedObject: record.involved,
                reason: record.reason, message: record.message, source: EventSource(component: "kubelet", host: nodeName),
                firstTimestamp: timestamp, lastTimestamp: timestamp, count: 1, type: record.type,
                reportingComponent: "kubelet", reportingInstance: nodeName)
            do {
                _ = try await api.create(event, in: .events(namespace: namespace))
                posted.store(key, name: name, count: 1)
            } catch {
                logger.debug("event not posted", metadata: ["reason": "\(record.reason)", "error": "\(error)"])
            }
        }
    }
}

/// The events already posted, by what makes two events the same, bounded by forgetting the
/// oldest (the kubelet's correlator keeps an LRU of 4096).
struct EventAggregator {
    struct Key: Hashable {
        var uid: String
        var fieldPath: String
        var type: String
        var reason: String
        var message: String
    }

    let limit: Int
    private var entries: [Key: (name: String, count: Int32)] = [:]
    private var order: [Key] = []

    init(limit: Int) { self.limit = limit }

    func lookup(_ key: Key) -> (name: String, count: Int32)? { entries[key] }

    mutating func store(_ key: Key, name: String, count: Int32) {
        if entries[key] == nil {
            order.append(key)
            if order.count > limit {
                entries[order.removeFirst()] = nil
            }
        }
        entries[key] = (name, count)
    }
}
