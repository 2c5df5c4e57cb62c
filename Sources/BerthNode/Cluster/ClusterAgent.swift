import BerthAPI
import BerthClient
import BerthRuntime
import Foundation
import Logging

/// The node agent as a cluster member (the kubelet's API side): registers its Node, keeps a
/// Lease and the Node's conditions fresh, runs the pods the scheduler binds to it (through the
/// NodeAgent it owns), reports their status and events, finalizes their deletion, and mirrors
/// its static pods into the API. Pods keep running when it stops; a new one re-adopts them.
public actor ClusterAgent {
    public struct Options: Sendable {
        /// The Node's InternalIP: where the server reaches this agent's endpoint.
        public var address: String = "127.0.0.1"
        /// Lease renewal and node status heartbeat (the kubelet: 10 s each).
        public var heartbeatInterval: Duration = .seconds(10)
        public var leaseDurationSeconds: Int32 = 40
        /// The least time between two status requests for one pod.
        public var statusInterval: Duration = .milliseconds(100)
        /// Static pods: a directory of manifests, and how often to look at it.
        public var staticPods: StaticPodSource?
        public var staticPollInterval: Duration = .seconds(1)
        /// Host facts; probed from the host when nil.
        public var facts: NodeFacts?
        /// Retry back-off of registration and watches.
        public var initialBackOff: Duration = .milliseconds(200)

        public init() {}
    }

    public nonisolated let nodeName: String
    public nonisolated let agent: NodeAgent
    let api: any ClusterAPI
    let endpointPort: Int
    let options: Options
    let facts: NodeFacts
    let logger: Logger
    let statusManager: PodStatusManager
    let recorder = EventRecorder()
    let podEvents: AsyncStream<PodEvent>
    let podEventsContinuation: AsyncStream<PodEvent>.Continuation

    /// API pods this agent runs or is finalizing, by UID.
    var apiPods: [String: Pod] = [:]
    /// "namespace/name" of a local pod → its local UID (the NodeAgent's events name pods so).
    var localUIDs: [String: String] = [:]
    var finalizing: Set<String> = []
    var nodeConditions: [NodeCondition]?
    var informer: Informer<Pod>?
    /// Static pods by local UID (named `<name>-<node>` like their mirrors) and mirror pods by "namespace/name".
    var staticPods: [String: Pod] = [:]
    var mirrors: [String: Pod] = [:]

    /// - Parameters:
    ///   - agent: the NodeAgent that runs the pods; it must have been created with `relay.sink`.
    ///   - endpointPort: the port of this agent's HTTP endpoint (logs, exec), published in the Node.
    public init(client: any ClusterAPI, nodeName: String, agent: NodeAgent, relay: PodEventRelay, endpointPort: Int,
                options: Options = Options(), logger: Logger = Logger(label: "berth.cluster-agent")) {
        self.api = client
        self.nodeName = nodeName
        self.agent = agent
        self.endpointPort = endpointPort
        self.options = options
        self.logger = logger
        self.facts = options.facts ?? NodeFacts.probe(dataDirectory: agent.settings.paths.dataDirectory)
        self.statusManager = PodStatusManager(api: client, hostIP: options.address, podIP: options.address,
                                              interval: options.statusInterval, logger: logger)
        (podEvents, podEventsContinuation) = AsyncStream.makeStream(of: PodEvent.self)
        let continuation = podEventsContinuation
        relay.attach { continuation.yield($0) }
    }

    /// Builds the NodeAgent too, wired to this cluster agent.
    public init(client: any ClusterAPI, nodeName: String, settings: NodeSettings, runtime: any ContainerRuntime,
                endpointPort: Int, options: Options = Options(), logger: Logger = Logger(label: "berth.cluster-agent")) {
        let relay = PodEventRelay()
        let agent = NodeAgent(settings: settings, runtime: runtime, logger: logger, sink: relay.sink)
        self.init(client: client, nodeName: nodeName, agent: agent, relay: relay, endpointPort: endpointPort,
                  options: options, logger: logger)
    }

    /// Registers the node, then runs until the calling task is cancelled. Pods keep running
    /// after it returns.
    public func run() async throws {
        await register()
        try Task.checkCancellation()
        let informer = Informer<Pod>(api: api, ref: .pods(), fieldSelector: "spec.nodeName=\(nodeName)", logger: logger,
                                     initialBackOff: options.initialBackOff) { [self] event in
            await self.handle(event)
        }
        self.informer = informer
        logger.notice("node registered", metadata: ["node": "\(nodeName)", "port": "\(endpointPort)"])
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.heartbeats() }
            group.addTask { await self.recorder.run(api: self.api, nodeName: self.nodeName, logger: self.logger) }
            group.addTask { await self.consumePodEvents() }
            group.addTask { await informer.run() }
            group.addTask {
                await informer.waitUntilSynced()
                // Not a child of this group: stopping the agent must not wait for pods being
                // removed to use up their grace periods. Their records stay until removed, so
                // the next agent finishes what this one did not.
                Task { await self.removeOrphans() }
            }
            if let source = options.staticPods {
                group.addTask { await self.syncStaticPods(source) }
            }
            await group.waitForAll()
        }
        recorder.finish()
        await agent.flushStatus()
        logger.notice("cluster agent stopped; pods keep running", metadata: ["node": "\(nodeName)"])
    }

    // MARK: node registration and heartbeat

    /// Creates the Node (or updates the one a previous agent registered), its status and its
    /// Lease, retrying until it succeeds or the task is cancelled.
    func register() async {
        var backOff = options.initialBackOff
        while !Task.isCancelled {
            do {
                try await registerOnce()
                return
            } catch {
                logger.warning("node registration failed; retrying", metadata: ["node": "\(nodeName)", "error": "\(error)"])
            }
            try? await Task.sleep(for: backOff)
            backOff = min(backOff * 2, .seconds(5))
        }
    }

    func registerOnce() async throws(KubeError) {
        let wanted = NodeRegistration.node(name: nodeName, facts: facts, address: options.address, port: endpointPort,
                                           now: RFC3339.format(Date()), previous: nodeConditions)
        do {
            _ = try await api.create(wanted, in: .nodes())
        } catch where error.isAlreadyExists {
            var existing = try await api.get(Node.self, .nodes(name: nodeName))
            let labels = (existing.metadata.labels ?? [:]).merging(wanted.metadata.labels ?? [:]) { _, ours in ours }
            if labels != existing.metadata.labels {
                existing.metadata.labels = labels
                _ = try await api.update(existing, at: .nodes(name: nodeName))
            }
            nodeConditions = existing.status?.conditions
        }
        // Status goes through /status: servers drop status sent with the object itself.
        var status = wanted.status ?? NodeStatus()
        status.conditions = NodeRegistration.conditions(now: RFC3339.format(Date()), previous: nodeConditions)
        _ = try await api.patch(.nodes(name: nodeName, subresource: "status"), type: .merge,
                                body: .object(["status": try encodeObject(status)]))
        nodeConditions = status.conditions
        try await renewLease()
    }

    func heartbeats() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: options.heartbeatInterval)
            if Task.isCancelled { return }
            do {
                try await renewLease()
                try await postNodeConditions()
            } catch where error.isNotFound {
                logger.warning("node object gone; registering again", metadata: ["node": "\(nodeName)"])
                await register()
            } catch {
                logger.warning("heartbeat failed", metadata: ["node": "\(nodeName)", "error": "\(error)"])
            }
        }
    }

    /// Renews the node's Lease in kube-node-lease, creating it when missing.
    func renewLease() async throws(KubeError) {
        let now = RFC3339.formatMicro(Date())
        let lease = NodeRegistration.lease(nodeName: nodeName, durationSeconds: options.leaseDurationSeconds, renewTime: now)
        let ref = ResourceRef.leases(namespace: "kube-node-lease", name: nodeName)
        do {
            _ = try await api.patch(ref, type: .merge, body: .object(["spec": try encodeObject(lease.spec ?? LeaseSpec())]))
        } catch where error.isNotFound {
            var created = lease
            created.spec?.acquireTime = now
            _ = try await api.create(created, in: .leases(namespace: "kube-node-lease"))
        }
    }

    /// Refreshes the conditions' lastHeartbeatTime (the node status update of the kubelet).
    func postNodeConditions() async throws(KubeError) {
        let conditions = NodeRegistration.conditions(now: RFC3339.format(Date()), previous: nodeConditions)
        _ = try await api.patch(.nodes(name: nodeName, subresource: "status"), type: .merge,
                                body: .object(["status": .object(["conditions": try encodeObject(conditions)])]))
        nodeConditions = conditions
    }
}
