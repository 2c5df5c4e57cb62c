import BerthAPI
import Foundation
import Logging

/// What an informer tells its handler, in the order the server's changes happened.
public enum InformerEvent<Object: Sendable>: Sendable {
    case added(Object)
    case modified(Object)
    case deleted(Object)
}

/// Lists a collection, then watches it from the list's resourceVersion, keeping a local cache
/// and telling a handler about each change (client-go's reflector + indexer, reduced).
/// A watch that ends cleanly is resumed from the last resourceVersion seen; a 410 (the server's
/// history no longer reaches back that far) leads to a relist whose differences with the cache
/// are delivered as events; failures are retried with exponential back-off.
public actor Informer<Object: Decodable & Sendable> {
    public typealias Handler = @Sendable (InformerEvent<Object>) async -> Void

    struct Entry {
        var object: Object
        var uid: String?
        var resourceVersion: String?
    }

    let api: any ClusterAPI
    let ref: ResourceRef
    let labelSelector: String?
    let fieldSelector: String?
    let handler: Handler
    let logger: Logger
    let initialBackOff: Duration
    let maximumBackOff: Duration
    /// The watch's timeoutSeconds (client-go picks 5–10 minutes at random).
    let watchTimeoutSeconds: Int

    var cache: [String: Entry] = [:]
    var lastResourceVersion: String?
    var isSynced = false
    var syncWaiters: [UUID: CheckedContinuation<Void, Never>] = [:]
    /// How many times the collection was listed (1 + relists); for tests and logs.
    public private(set) var listCount = 0

    public init(api: any ClusterAPI, ref: ResourceRef, labelSelector: String? = nil, fieldSelector: String? = nil,
                logger: Logger = Logger(label: "berth.informer"), initialBackOff: Duration = .milliseconds(200),
                maximumBackOff: Duration = .seconds(10), watchTimeoutSeconds: Int = Int.random(in: 300...600),
                handler: @escaping Handler) {
        self.api = api
        self.ref = ref
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.handler = handler
        self.logger = logger
        self.initialBackOff = initialBackOff
        self.maximumBackOff = maximumBackOff
        self.watchTimeoutSeconds = watchTimeoutSeconds
    }

    /// The cached objects.
    public var objects: [Object] { cache.values.map(\.object) }

    public func object(namespace: String?, name: String) -> Object? {
        cache[Self.key(namespace: namespace, name: name)]?.object
    }

    /// Whether the first list has been delivered.
    public var hasSynced: Bool { isSynced }

    /// The resourceVersion the next watch starts from.
    public var resourceVersion: String? { lastResourceVersion }

    /// Returns once the first list has been delivered to the handler, or the task is cancelled.
    public func waitUntilSynced() async {
        let id = UUID()
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                if isSynced || Task.isCancelled { continuation.resume() } else { syncWaiters[id] = continuation }
            }
        } onCancel: {
            Task { await self.cancelWaiter(id) }
        }
    }

    private func cancelWaiter(_ id: UUID) {
        syncWaiters.removeValue(forKey: id)?.resume()
    }

    /// Lists and watches until the calling task is cancelled.
    public func run() async {
        var backOff = initialBackOff
        var needsList = true
        while !Task.isCancelled {
            do throws(KubeError) {
                if needsList {
                    try await relist()
                    needsList = false
                }
                let started = ContinuousClock.now
                let progressed = try await watchOnce()
                if progressed { backOff = initialBackOff }
                // A watch that ends at once with nothing in it is retried after a pause, not in a spin.
                if progressed || ContinuousClock.now - started > .seconds(1) { continue }
            } catch {
                if Task.isCancelled { return }
                if error.isGone {
                    logger.info("watch expired; relisting", metadata: ["resource": "\(ref)", "resourceVersion": "\(lastResourceVersion ?? "")"])
                    needsList = true
                    lastResourceVersion = nil
                    continue
                }
                logger.warning("list/watch failed; retrying", metadata: ["resource": "\(ref)", "error": "\(error)",
                                                                           "retryIn": "\(backOff)"])
                // A failed list must be retried as a list; a failed watch resumes from lastResourceVersion.
                needsList = needsList || lastResourceVersion == nil
            }
            try? await Task.sleep(for: backOff)
            backOff = min(backOff * 2, maximumBackOff)
        }
    }

    /// Lists the collection, delivers the differences with the cache, and notes its resourceVersion.
    func relist() async throws(KubeError) {
        let options = ListOptions(labelSelector: labelSelector, fieldSelector: fieldSelector)
        let list = try await api.list(ref, options: options)
        listCount += 1
        var fresh: [String: Entry] = [:]
        for item in list["items"]?.arrayValue ?? [] {
            let (key, entry) = try Self.entry(item)
            fresh[key] = entry
        }
        var events: [InformerEvent<Object>] = []
        for (key, old) in cache where fresh[key] == nil || fresh[key]?.uid != old.uid {
            events.append(.deleted(old.object))
        }
        for (key, entry) in fresh.sorted(by: { $0.key < $1.key }) {
            if let old = cache[key], old.uid == entry.uid {
                if old.resourceVersion != entry.resourceVersion { events.append(.modified(entry.object)) }
            } else {
                events.append(.added(entry.object))
            }
        }
        cache = fresh
        lastResourceVersion = list["metadata"]?["resourceVersion"]?.stringValue
        for event in events { await handler(event) }
        if !isSynced {
            isSynced = true
            for waiter in syncWaiters.values { waiter.resume() }
            syncWaiters = [:]
        }
    }

    /// Watches from lastResourceVersion until the stream ends; returns whether any event came.
    func watchOnce() async throws(KubeError) -> Bool {
        let options = ListOptions(labelSelector: labelSelector, fieldSelector: fieldSelector,
                                  resourceVersion: lastResourceVersion, timeoutSeconds: watchTimeoutSeconds,
                                  allowWatchBookmarks: true)
        var progressed = false
        do {
            for try await event in api.watch(ref, options: options) {
                progressed = true
                try await apply(event)
            }
        } catch let error as KubeError {
            throw error
        } catch {
            throw KubeError(code: 0, reason: "Watch", message: "\(error)")
        }
        return progressed
    }

    func apply(_ event: WatchEvent) async throws(KubeError) {
        switch event.type {
        case "ERROR":
            throw KubeError.from(status: event.object, fallbackCode: 500)
        case "BOOKMARK":
            if let rv = event.object["metadata"]?["resourceVersion"]?.stringValue { lastResourceVersion = rv }
        case "ADDED", "MODIFIED":
            let (key, entry) = try Self.entry(event.object)
            let known = cache[key]
            cache[key] = entry
            lastResourceVersion = entry.resourceVersion ?? lastResourceVersion
            if let known, known.uid != entry.uid { await handler(.deleted(known.object)) }
            await handler(known == nil || known?.uid != entry.uid ? .added(entry.object) : .modified(entry.object))
        case "DELETED":
            let (key, entry) = try Self.entry(event.object)
            cache[key] = nil
            lastResourceVersion = entry.resourceVersion ?? lastResourceVersion
            await handler(.deleted(entry.object))
        default:
            logger.debug("unknown watch event type", metadata: ["type": "\(event.type)"])
        }
    }

    static func entry(_ value: JSONValue) throws(KubeError) -> (String, Entry) {
        let metadata = value["metadata"]
        guard let name = metadata?["name"]?.stringValue else {
            throw KubeError(code: 0, reason: "Decoding", message: "object without metadata.name")
        }
        let object = try decodeObject(Object.self, from: value)
        return (key(namespace: metadata?["namespace"]?.stringValue, name: name),
                Entry(object: object, uid: metadata?["uid"]?.stringValue, resourceVersion: metadata?["resourceVersion"]?.stringValue))
    }

    static func key(namespace: String?, name: String) -> String {
        (namespace.map { $0 + "/" } ?? "") + name
    }
}
