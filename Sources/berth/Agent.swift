import ArgumentParser
import BerthNode
import BerthRuntime
import Foundation

struct Agent: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The node agent: runs every Pod manifest in a directory (static pods) until stopped.",
        discussion: "Pods keep running when the agent stops; a new agent re-adopts them.")

    @OptionGroup var node: NodeOptions

    @Option(help: "Directory of Pod manifests (*.yaml, *.yml, *.json): static pods.")
    var manifests: String?

    @Option(help: "URL of the Kubernetes API server to join as a node (e.g. http://127.0.0.1:6443).")
    var server: String?

    @Option(help: "Name of this node (default: the host name).")
    var nodeName: String?

    @Option(help: "Address of the agent's endpoint for logs and exec (HOST:PORT; port 0 picks a free one).")
    var listen: ListenAddress = ListenAddress(host: "127.0.0.1", port: 10250)

    @Option(help: "Seconds between looks at the manifest directory.")
    var pollInterval: Double = 1

    @Option(help: "Base of the restart back-off in seconds (Kubernetes: 10).")
    var backoffBase: Double = 10

    func validate() throws {
        guard manifests != nil || server != nil else {
            throw ValidationError("give --manifests DIR (static pods), --server URL (join a cluster), or both")
        }
        var isDirectory: ObjCBool = false
        if let manifests, !(FileManager.default.fileExists(atPath: manifests, isDirectory: &isDirectory) && isDirectory.boolValue) {
            throw ValidationError("--manifests: \(manifests) is not a directory")
        }
        if let server, !(server.hasPrefix("http://") || server.hasPrefix("https://")) {
            throw ValidationError("--server must be an http:// or https:// URL (got \"\(server)\")")
        }
        guard pollInterval > 0, backoffBase > 0 else { throw ValidationError("--poll-interval and --backoff-base must be positive") }
    }

    func run() async throws {
        let logger = node.makeLogger("berth.agent")
        let trimmer = Task { await MemoryTrim.run() }
        defer { trimmer.cancel() }
        let environment = try NodeEnvironment(root: node.root, images: node.images, cgroupParent: node.cgroupParent, logger: logger)
        var settings = environment.settings
        settings.restartBackOff = BackOff(base: .milliseconds(Int(backoffBase * 1000)))
        if let server {
            let stop = AsyncEvent()
            let stopper = SignalWatcher(signals: [SIGINT, SIGTERM]) { stop.fire() }
            defer { stopper.cancel() }
            let environmentCopy = environment
            let task = Task {
                try await runAgent(server: server, environment: environmentCopy, nodeName: nodeName ?? Up.hostName(),
                                   listen: listen, backoffBase: backoffBase,
                                   staticPods: manifests.map { StaticPodSource(directory: $0) }, logger: logger)
            }
            await stop.wait()
            task.cancel()
            _ = await task.result
            return
        }
        guard let manifests else { return }
        let agent = NodeAgent(settings: settings, runtime: environment.runtime, logger: logger)
        let source = StaticPodSource(directory: manifests)
        let wake = AsyncEvent()
        let stop = AsyncEvent()
        let stopper = SignalWatcher(signals: [SIGINT, SIGTERM]) { stop.fire() }
        let deletions = SignalWatcher(signals: [SIGUSR1]) { Task { await agent.processDeletionRequests() } }
        defer { stopper.cancel(); deletions.cancel() }
        logger.notice("agent started", metadata: ["manifests": "\(source.directory)", "pid": "\(getpid())"])
        var reported = Set<String>()
        while !stop.isFired {
            let desired = source.desiredPods()
            for problem in desired.problems where reported.insert(problem.description).inserted {
                logger.error("manifest skipped", metadata: ["file": "\(problem.file)", "error": "\(problem.message)"])
            }
            await agent.sync(desired: desired.pods, source: source.directory)
            await agent.processDeletionRequests()
            _ = await firstOf(wake, stop, timeout: .milliseconds(Int(pollInterval * 1000)))
        }
        // Like the kubelet, stopping the agent leaves the pods running.
        await agent.flushStatus()
        logger.notice("agent stopped; pods keep running")
    }
}

/// Waits for either event or the timeout.
func firstOf(_ a: AsyncEvent, _ b: AsyncEvent, timeout: Duration) async {
    await withTaskGroup(of: Void.self) { group in
        group.addTask { _ = await a.sleep(for: timeout) }
        group.addTask { await b.wait() }
        await group.next()
        group.cancelAll()
    }
}
