import BerthAPI
import BerthClient
import Foundation
import Testing

/// An in-memory Kubernetes API for agent tests: objects by path, one global resourceVersion,
/// merge patches, the graceful deletion of pods (deletionTimestamp first, removal on a delete
/// with grace 0), preconditions, and watches of pods with a `spec.nodeName` field selector.
/// Every write is recorded, in order.
final class FakeClusterAPI: ClusterAPI, @unchecked Sendable {
    struct Write: Sendable, CustomStringConvertible {
        var verb: String
        var path: String
        var body: JSONValue?
        var description: String { "\(verb) \(path)" }
    }

    private let lock = NSLock()
    private var objects: [String: JSONValue] = [:]
    private var revision = 100
    private var nextUID = 1
    private var history: [(revision: Int, event: WatchEvent)] = []
    private var watchers: [UUID: (ref: ResourceRef, nodeName: String?, continuation: AsyncThrowingStream<WatchEvent, any Error>.Continuation)] = [:]
    private var log: [Write] = []
    /// Delay added to every status patch (to pile up snapshots behind a slow server).
    var statusPatchDelay: Duration = .zero
    /// How many of the next grace-0 deletes fail with 503 (a server that is briefly away).
    private var failingFinalDeletes = 0
    func failNextFinalDeletes(_ count: Int) { lock.withLock { failingFinalDeletes = count } }

    var writes: [Write] { lock.withLock { log } }
    func writes(_ verb: String, _ path: String) -> [Write] { writes.filter { $0.verb == verb && $0.path == path } }
    func object(_ ref: ResourceRef) -> JSONValue? { lock.withLock { objects[ref.named(ref.name ?? "").path] } }
    func pod(_ namespace: String, _ name: String) -> Pod? {
        object(.pods(namespace: namespace, name: name)).flatMap { try? decodeObject(Pod.self, from: $0) }
    }
    func objects(under prefix: String) -> [JSONValue] {
        lock.withLock { objects.filter { $0.key.hasPrefix(prefix + "/") }.sorted { $0.key < $1.key }.map(\.value) }
    }

    private func locked<T>(_ body: () throws(KubeError) -> T) throws(KubeError) -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    private func key(_ ref: ResourceRef) -> String {
        var base = ref
        base.subresource = nil
        return base.path
    }

    private func notFound(_ ref: ResourceRef) -> KubeError {
        KubeError(code: 404, reason: "NotFound", message: "\(ref.resource) \"\(ref.name ?? "")\" not found")
    }

    func get(_ ref: ResourceRef) async throws(KubeError) -> JSONValue {
        guard let value = lock.withLock({ objects[key(ref)] }) else { throw notFound(ref) }
        return value
    }

    func list(_ ref: ResourceRef, options: ListOptions) async throws(KubeError) -> JSONValue {
        let node = options.fieldSelector.flatMap { $0.hasPrefix("spec.nodeName=") ? String($0.dropFirst(14)) : nil }
        return lock.withLock {
            let items = objects.filter { Self.inCollection($0.key, ref) && Self.matches($0.value, node) }
                .sorted { $0.key < $1.key }.map(\.value)
            return .object(["kind": .string("List"), "metadata": .object(["resourceVersion": .string(String(revision))]),
                            "items": .array(items)])
        }
    }

    /// Whether an object's key is in the collection `ref` names (all namespaces when it has none).
    static func inCollection(_ key: String, _ ref: ResourceRef) -> Bool {
        let parts = key.split(separator: "/").map(String.init)
        guard parts.count >= 2, parts[parts.count - 2] == ref.resource else { return false }
        return ref.namespace == nil || key.hasPrefix(ResourceRef(group: ref.group, version: ref.version, resource: ref.resource,
                                                                 namespace: ref.namespace).path + "/")
    }

    static func matches(_ object: JSONValue, _ node: String?) -> Bool {
        node == nil || object["spec"]?["nodeName"]?.stringValue == node
    }

    func create(_ ref: ResourceRef, body: JSONValue) async throws(KubeError) -> JSONValue {
        let name = body["metadata"]?["name"]?.stringValue ?? ""
        let objectRef = ref.named(name)
        return try locked { () throws(KubeError) -> JSONValue in
            log.append(Write(verb: "POST", path: ref.path, body: body))
            guard objects[key(objectRef)] == nil else {
                throw KubeError(code: 409, reason: "AlreadyExists", message: "\(ref.resource) \"\(name)\" already exists")
            }
            var object = body
            setMeta(&object, "uid", .string("uid-\(nextUID)"))
            nextUID += 1
            setMeta(&object, "creationTimestamp", .string(RFC3339.format(Date())))
            return store(objectRef, object, type: "ADDED")
        }
    }

    func update(_ ref: ResourceRef, body: JSONValue) async throws(KubeError) -> JSONValue {
        try locked { () throws(KubeError) -> JSONValue in
            log.append(Write(verb: "PUT", path: ref.path, body: body))
            guard let current = objects[key(ref)] else { throw notFound(ref) }
            if let rv = body["metadata"]?["resourceVersion"]?.stringValue, rv != current["metadata"]?["resourceVersion"]?.stringValue {
                throw KubeError(code: 409, reason: "Conflict", message: "the object has been modified")
            }
            return store(ref, body, type: "MODIFIED")
        }
    }

    func patch(_ ref: ResourceRef, type: PatchType, body: JSONValue) async throws(KubeError) -> JSONValue {
        if ref.subresource == "status", statusPatchDelay > .zero { try? await Task.sleep(for: statusPatchDelay) }
        return try locked { () throws(KubeError) -> JSONValue in
            log.append(Write(verb: "PATCH", path: ref.path, body: body))
            guard let current = objects[key(ref)] else { throw notFound(ref) }
            if let uid = body["metadata"]?["uid"]?.stringValue, uid != current["metadata"]?["uid"]?.stringValue {
                throw KubeError(code: 409, reason: "Conflict", message: "Precondition failed: UID")
            }
            var patched = MergePatch.apply(body, to: current)
            if ref.subresource == "status", case .object(var fields) = current {
                fields["status"] = patched["status"]
                patched = .object(fields)
            }
            return store(ref, patched, type: "MODIFIED")
        }
    }

    func delete(_ ref: ResourceRef, options: DeleteOptions?) async throws(KubeError) -> JSONValue {
        try locked { () throws(KubeError) -> JSONValue in
            log.append(Write(verb: "DELETE", path: ref.path, body: options.flatMap { try? encodeObject($0) }))
            if options?.gracePeriodSeconds == 0, failingFinalDeletes > 0 {
                failingFinalDeletes -= 1
                throw KubeError(code: 503, reason: "ServiceUnavailable", message: "the server is shutting down")
            }
            guard var current = objects[key(ref)] else { throw notFound(ref) }
            if let uid = options?.preconditions?.uid, uid != current["metadata"]?["uid"]?.stringValue {
                throw KubeError(code: 409, reason: "Conflict", message: "Precondition failed: UID")
            }
            let grace = options?.gracePeriodSeconds ?? current["spec"]?["terminationGracePeriodSeconds"]?.intValue ?? 30
            if ref.resource == "pods", grace > 0, current["spec"]?["nodeName"] != nil {
                setMeta(&current, "deletionTimestamp", .string(RFC3339.format(Date())))
                setMeta(&current, "deletionGracePeriodSeconds", .int(grace))
                return store(ref, current, type: "MODIFIED")
            }
            objects[key(ref)] = nil
            revision += 1
            setMeta(&current, "resourceVersion", .string(String(revision)))
            broadcast(WatchEvent(type: "DELETED", object: current))
            return current
        }
    }

    func watch(_ ref: ResourceRef, options: ListOptions) -> AsyncThrowingStream<WatchEvent, any Error> {
        let node = options.fieldSelector.flatMap { $0.hasPrefix("spec.nodeName=") ? String($0.dropFirst(14)) : nil }
        let from = Int(options.resourceVersion ?? "") ?? 0
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: WatchEvent.self)
        let id = UUID()
        lock.withLock {
            for (rev, event) in history where rev > from && event.object["kind"]?.stringValue == "Pod" && Self.matches(event.object, node) {
                continuation.yield(event)
            }
            watchers[id] = (ref, node, continuation)
        }
        continuation.onTermination = { [weak self] _ in self?.lock.withLock { _ = self?.watchers.removeValue(forKey: id) } }
        return stream
    }

    /// Ends every open watch (as a server timeout does).
    func closeWatches() {
        let all = lock.withLock { watchers.values.map(\.continuation) }
        for continuation in all { continuation.finish() }
    }

    // Called with the lock held.
    private func store(_ ref: ResourceRef, _ value: JSONValue, type: String) -> JSONValue {
        var object = value
        revision += 1
        setMeta(&object, "resourceVersion", .string(String(revision)))
        objects[key(ref)] = object
        broadcast(WatchEvent(type: type, object: object))
        return object
    }

    private func broadcast(_ event: WatchEvent) {
        guard event.object["kind"]?.stringValue == "Pod" else { return }
        history.append((revision, event))
        for (_, watcher) in watchers where watcher.ref.resource == "pods" && Self.matches(event.object, watcher.nodeName) {
            watcher.continuation.yield(event)
        }
    }

    private func setMeta(_ object: inout JSONValue, _ field: String, _ value: JSONValue) {
        guard case .object(var fields) = object else { return }
        var metadata = fields["metadata"]?.objectValue ?? [:]
        metadata[field] = value
        fields["metadata"] = .object(metadata)
        object = .object(fields)
    }
}

@Suite struct ClusterFakeAPITests {
    @Test func gracefulPodDeletionSetsDeletionTimestampFirst() async throws {
        let api = FakeClusterAPI()
        let pod = Pod(metadata: ObjectMeta(name: "web", namespace: "default"),
                      spec: PodSpec(containers: [Container(name: "app", image: "busybox")], nodeName: "n1"))
        let created = try await api.create(pod, in: .pods(namespace: "default"))
        _ = try await api.delete(.pods(namespace: "default", name: "web"), options: DeleteOptions(gracePeriodSeconds: 5))
        #expect(api.pod("default", "web")?.metadata.deletionGracePeriodSeconds == 5)
        _ = try await api.delete(.pods(namespace: "default", name: "web"),
                                 options: DeleteOptions(gracePeriodSeconds: 0, preconditions: .init(uid: created.metadata.uid)))
        #expect(api.pod("default", "web") == nil)
    }
}
