import ArgumentParser
import BerthClient
import BerthControlPlane
import BerthNode
import BerthRuntime
import Foundation
import Logging
import ServiceLifecycle

struct Up: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "A one-node cluster in one process: the control plane and a node agent.",
        discussion: "Writes a kubeconfig to <data dir>/kubeconfig, so that kubectl works after `export KUBECONFIG=...`.")

    @OptionGroup var node: NodeOptions

    @OptionGroup var controlPlaneOptions: ControlPlaneOptions

    @Option(help: "Address of the node agent's endpoint for logs and exec (HOST:PORT; port 0 picks a free one).")
    var agentListen: ListenAddress = ListenAddress(host: "127.0.0.1", port: 10250)

    @Option(help: "Name of this node (default: the host name).")
    var nodeName: String?

    @Option(help: "Base of the restart back-off in seconds (Kubernetes: 10).")
    var backoffBase: Double = 10

    func run() async throws {
        let logger = node.makeLogger("berth.up")
        let trimmer = Task { await MemoryTrim.run() }
        defer { trimmer.cancel() }
        let environment = try NodeEnvironment(root: node.root, images: node.images, cgroupParent: node.cgroupParent, logger: logger)
        let paths = environment.settings.paths
        let listen = controlPlaneOptions.listen
        let controlPlane = ControlPlane(dataDirectory: paths.dataDirectory, host: listen.host, port: listen.port,
                                        historyWindow: controlPlaneOptions.historyWindow, logger: logger)
        let agent = AgentService(environment: environment, nodeName: nodeName ?? Self.hostName(), agentListen: agentListen,
                                 backoffBase: backoffBase, logger: logger)
        let dialHost = listen.dialHost
        let kubeconfig = paths.dataDirectory + "/kubeconfig"
        let services = try await controlPlane.services { port in
            let server = "http://\(dialHost):\(port)"
            ControlPlaneOptions.writeKubeconfig(server: server, path: kubeconfig, logger: logger)
            FileHandle.standardOutput.write(Data("berth up: Kubernetes API on \(server)\nexport KUBECONFIG=\(kubeconfig)\n".utf8))
            agent.start(server: server)
        }
        let group = ServiceGroup(configuration: .init(services: services + [agent], gracefulShutdownSignals: [.sigterm, .sigint],
                                                      logger: logger))
        try await group.run()
    }

    static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        gethostname(&buffer, buffer.count)
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self).lowercased()
        return name.isEmpty ? "berth" : name
    }
}

/// The node agent as a service: its endpoint (logs, exec) and the cluster agent, started once
/// the API server listens.
final class AgentService: Service, @unchecked Sendable {
    let environment: NodeEnvironment
    let nodeName: String
    let agentListen: ListenAddress
    let backoffBase: Double
    let logger: Logger
    private let server: AsyncStream<String>
    private let serverContinuation: AsyncStream<String>.Continuation

    init(environment: NodeEnvironment, nodeName: String, agentListen: ListenAddress, backoffBase: Double, logger: Logger) {
        self.environment = environment
        self.nodeName = nodeName
        self.agentListen = agentListen
        self.backoffBase = backoffBase
        self.logger = logger
        (server, serverContinuation) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingNewest(1))
    }

    func start(server url: String) { serverContinuation.yield(url) }

    func run() async throws {
        try await cancelWhenGracefulShutdown { [self] in
            var iterator = server.makeAsyncIterator()
            guard let url = await iterator.next() else { return }
            try await runAgent(server: url, environment: environment, nodeName: nodeName, listen: agentListen,
                               backoffBase: backoffBase, staticPods: nil, logger: logger)
        }
    }
}

/// Runs the agent endpoint and the cluster agent until cancelled; pods keep running afterwards.
func runAgent(server url: String, environment: NodeEnvironment, nodeName: String, listen: ListenAddress,
              backoffBase: Double, staticPods: StaticPodSource?, logger: Logger) async throws {
    // Eight connections: the watch, the lease, events and status updates. Each pooled
    // connection keeps its buffers while idle; with the default 32 a burst of 100 pods left the
    // agent about 3 MB larger (berth-bench cluster), for no gain: the API server is the limit.
    let client = KubeClient(baseURL: url, logger: logger, maxConnections: 8)
    defer { Task { await client.shutdown() } }
    let endpoint = AgentEndpoint(store: environment.store, runtime: environment.runtime, paths: environment.settings.paths,
                                 logger: logger)
    let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self, bufferingPolicy: .bufferingNewest(1))
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask {
            try await endpoint.run(host: listen.host, port: listen.port) { port in portContinuation.yield(port) }
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { return }
        var settings = environment.settings
        settings.restartBackOff = BackOff(base: .milliseconds(Int(backoffBase * 1000)))
        var options = ClusterAgent.Options()
        options.address = listen.dialHost
        options.staticPods = staticPods
        let agent = ClusterAgent(client: client, nodeName: nodeName, settings: settings, runtime: environment.runtime,
                                 endpointPort: port, options: options, logger: logger)
        group.addTask { try await agent.run() }
        try await group.next()
        group.cancelAll()
    }
}
