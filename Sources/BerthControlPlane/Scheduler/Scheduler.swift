import BerthAPI
import BerthClient
import Foundation
import Logging

/// Binds pending pods to nodes, as kube-scheduler does: it watches pods and nodes through the
/// API like any other client, decides with `SchedulingAlgorithm`, and either POSTs a Binding
/// (plus a Scheduled event) or marks the pod PodScheduled=False with the reason (plus a
/// FailedScheduling event). Unschedulable pods are tried again whenever nodes or pods change.
public actor Scheduler {
    let api: any ClusterAPI
    let logger: Logger
    var pods: Informer<Pod>?
    var nodes: Informer<Node>?
    private let wake: AsyncStream<Void>
    private let wakeContinuation: AsyncStream<Void>.Continuation
    /// The last unschedulable message written per pod, so a retry writes nothing new.
    var reported: [String: String] = [:]

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
        for pod in pods {
            guard let node = pod.spec.nodeName, !node.isEmpty, !Self.isTerminal(pod) else { continue }
            podsOnNode[node, default: []].append(pod)
        }
        let pending = pods.filter { pod in
            (pod.spec.nodeName ?? "").isEmpty && pod.metadata.deletionTimestamp == nil
                && (pod.spec.schedulerName ?? "default-scheduler") == "default-scheduler"
        }.sorted { ($0.metadata.creationTimestamp ?? "", $0.metadata.name ?? "") < ($1.metadata.creationTimestamp ?? "", $1.metadata.name ?? "") }
        for pod in pending {
            switch SchedulingAlgorithm.schedule(pod, nodes: nodes, podsOnNode: podsOnNode) {
            case .bind(let node):
                if await bind(pod, to: node) {
                    var bound = pod
                    bound.spec.nodeName = node
                    podsOnNode[node, default: []].append(bound)
                }
            case .unschedulable(let message):
                await markUnschedulable(pod, message: message)
            }
        }
    }

    static func isTerminal(_ pod: Pod) -> Bool {
        pod.status?.phase == "Succeeded" || pod.status?.phase == "Failed"
    }

    private func bind(_ pod: Pod, to node: String) async -> Bool {
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
            return false
        }
        reported[namespace + "/" + name] = nil
        await event(pod, type: "Normal", reason: "Scheduled", message: "Successfully assigned \(namespace)/\(name) to \(node)")
        logger.info("pod bound", metadata: ["pod": "\(namespace)/\(name)", "node": "\(node)"])
        return true
    }

    private func markUnschedulable(_ pod: Pod, message: String) async {
        let namespace = pod.metadata.namespace ?? "default"
        let name = pod.metadata.name ?? ""
        guard reported[namespace + "/" + name] != message else { return }
        reported[namespace + "/" + name] = message
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
