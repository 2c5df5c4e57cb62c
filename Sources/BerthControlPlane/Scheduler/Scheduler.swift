import BerthAPI
import BerthClient
import Foundation
import Logging

/// Binds pending pods to nodes, as kube-scheduler does: it watches pods and nodes through the
/// API like any other client, decides with `SchedulingAlgorithm`, and either POSTs a Binding
/// (plus a Scheduled event) or marks the pod PodScheduled=False with the reason (plus a
/// FailedScheduling event). Unschedulable pods are tried again whenever nodes or pods change.
///
/// Decisions are made one pod at a time, but bindings go out concurrently (kube-scheduler's
/// asynchronous binding cycle): each one is a store write that waits for an fsync, so binding
/// 100 pods one after the other took over a second before the last pod reached its node. A pod
/// whose binding is in flight counts on its node for the next decisions and is not decided
/// again until the informer shows it bound (or the binding failed).
public actor Scheduler {
    let api: any ClusterAPI
    let logger: Logger
    var pods: Informer<Pod>?
    var nodes: Informer<Node>?
    private let wake: AsyncStream<Void>
    private let wakeContinuation: AsyncStream<Void>.Continuation
    /// The last unschedulable message written per pod, so a retry writes nothing new.
    var reported: [String: String] = [:]
    /// Pods ("namespace/name") bound or being bound, with their node, until the informer shows
    /// them bound.
    var binding: [String: Pod] = [:]

    public init(api: any ClusterAPI, logger: Logger = Logger(label: "berth.scheduler")) {
        self.api = api
        self.logger = logger
        (wake, wakeContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Runs until the task is cancelled.
    public func run() async {
        let continuation = wakeContinuation
        let pods = Informer<Pod>(api: api, ref: .pods(), logger: logger) { _ in continuation.yield() }
        let nodes = Informer<Node>(api: api, ref: .nodes(), logger: logger) { _ in continuation.yield() }
        self.pods = pods
        self.nodes = nodes
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await pods.run() }
            group.addTask { await nodes.run() }
            group.addTask { await self.loop() }
            await group.next()
            group.cancelAll()
        }
    }

    private func loop() async {
        guard let pods, let nodes else { return }
        await pods.waitUntilSynced()
        await nodes.waitUntilSynced()
        for await _ in wake {
            if Task.isCancelled { return }
            await scheduleAll(pods: await pods.objects, nodes: await nodes.objects)
        }
    }

    func scheduleAll(pods: [Pod], nodes: [Node]) async {
        var podsOnNode: [String: [Pod]] = [:]
        var current: [String: Pod] = [:]
        for pod in pods {
            current[Self.key(pod)] = pod
            guard let node = pod.spec.nodeName, !node.isEmpty, !Self.isTerminal(pod) else { continue }
            podsOnNode[node, default: []].append(pod)
        }
        // A binding the informer now shows (or whose pod is gone) no longer needs tracking.
        binding = binding.filter { key, _ in
            guard let pod = current[key] else { return false }
            return (pod.spec.nodeName ?? "").isEmpty
        }
        for bound in binding.values {
            if let node = bound.spec.nodeName { podsOnNode[node, default: []].append(bound) }
        }
        let pending = pods.filter { pod in
            (pod.spec.nodeName ?? "").isEmpty && pod.metadata.deletionTimestamp == nil
                && (pod.spec.schedulerName ?? "default-scheduler") == "default-scheduler" && binding[Self.key(pod)] == nil
        }.sorted { ($0.metadata.creationTimestamp ?? "", $0.metadata.name ?? "") < ($1.metadata.creationTimestamp ?? "", $1.metadata.name ?? "") }
        for pod in pending {
            switch SchedulingAlgorithm.schedule(pod, nodes: nodes, podsOnNode: podsOnNode) {
            case .bind(let node):
                var bound = pod
                bound.spec.nodeName = node
                binding[Self.key(pod)] = bound
                podsOnNode[node, default: []].append(bound)
                Task { await self.bind(pod, to: node) }
            case .unschedulable(let message):
                await markUnschedulable(pod, message: message)
            }
        }
    }

    static func key(_ pod: Pod) -> String {
        (pod.metadata.namespace ?? "default") + "/" + (pod.metadata.name ?? "")
    }

    static func isTerminal(_ pod: Pod) -> Bool {
        pod.status?.phase == "Succeeded" || pod.status?.phase == "Failed"
    }

    /// POSTs the Binding, then the Scheduled event. On failure the pod is decided again.
    private func bind(_ pod: Pod, to node: String) async {
        let namespace = pod.metadata.namespace ?? "default"
        let name = pod.metadata.name ?? ""
        let binding = Binding(metadata: ObjectMeta(name: name, namespace: namespace, uid: pod.metadata.uid),
                              target: ObjectReference(kind: "Node", name: node, apiVersion: "v1"))
        do {
            _ = try await api.create(.pods(namespace: namespace, name: name, subresource: "binding"),
                                     body: try encodeObject(binding))
        } catch {
            // Bound meanwhile, or deleted: the informers will tell.
            logger.info("binding failed", metadata: ["pod": "\(namespace)/\(name)", "node": "\(node)", "error": "\(error)"])
            self.binding[Self.key(pod)] = nil
            wakeContinuation.yield()
            return
        }
        reported[Self.key(pod)] = nil
        logger.info("pod bound", metadata: ["pod": "\(namespace)/\(name)", "node": "\(node)"])
        await event(pod, type: "Normal", reason: "Scheduled", message: "Successfully assigned \(namespace)/\(name) to \(node)")
    }

    private func markUnschedulable(_ pod: Pod, message: String) async {
        let namespace = pod.metadata.namespace ?? "default"
        let name = pod.metadata.name ?? ""
        guard reported[Self.key(pod)] != message else { return }
        reported[Self.key(pod)] = message
        let condition: JSONValue = .object([
            "type": .string("PodScheduled"), "status": .string("False"), "reason": .string("Unschedulable"),
            "message": .string(message), "lastTransitionTime": .string(RFC3339.format(Date())),
        ])
        let patch: JSONValue = .object(["status": .object(["phase": .string("Pending"), "conditions": .array([condition])])])
        do {
            _ = try await api.patch(.pods(namespace: namespace, name: name, subresource: "status"), type: .strategic, body: patch)
        } catch {
            logger.warning("unschedulable status not written", metadata: ["pod": "\(namespace)/\(name)", "error": "\(error)"])
        }
        await event(pod, type: "Warning", reason: "FailedScheduling", message: message)
    }

    private func event(_ pod: Pod, type: String, reason: String, message: String) async {
        let namespace = pod.metadata.namespace ?? "default"
        let now = RFC3339.format(Date())
        let event = Event(
            metadata: ObjectMeta(name: "\(pod.metadata.name ?? "pod").\(String(UInt64(Date().timeIntervalSince1970 * 1e9), radix: 16))",
                                 namespace: namespace),
            involvedObject: ObjectReference(kind: "Pod", namespace: namespace, name: pod.metadata.name, uid: pod.metadata.uid,
                                            apiVersion: "v1", resourceVersion: pod.metadata.resourceVersion),
            reason: reason, message: message, source: EventSource(component: "default-scheduler"),
            firstTimestamp: now, lastTimestamp: now, count: 1, type: type,
            reportingComponent: "default-scheduler", reportingInstance: "default-scheduler")
        do {
            _ = try await api.create(.events(namespace: namespace), body: try encodeObject(event))
        } catch {
            logger.debug("event not written", metadata: ["reason": "\(reason)", "error": "\(error)"])
        }
    }
}
