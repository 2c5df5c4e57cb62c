import ArgumentParser
import BerthAPI
import BerthNode
import BerthRuntime
import Foundation

struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the pods of a manifest in the foreground, streaming their output.",
        discussion: "Returns when every pod has Succeeded or Failed (exit 0 only if all Succeeded). SIGINT or SIGTERM stops the pods gracefully first.")

    @OptionGroup var node: NodeOptions

    @Option(name: .shortAndLong, help: "Manifest with one or more Pod documents (- for standard input).")
    var filename: String

    @Flag(help: "Remove the pods once they have finished.")
    var rm = false

    @Option(name: .customLong("validate"), help: "Unknown fields: strict (an error), warn or ignore.")
    var validation: String = "strict"

    @Option(help: "Base of the restart back-off in seconds (Kubernetes: 10).")
    var backoffBase: Double = 10

    func validate() throws {
        guard ["strict", "warn", "ignore"].contains(validation) else {
            throw ValidationError("--validate must be one of strict, warn, ignore (got \"\(validation)\")")
        }
        guard backoffBase > 0 else { throw ValidationError("--backoff-base must be positive") }
    }

    func run() async throws {
        let logger = node.makeLogger("berth.run")
        let environment = try NodeEnvironment(root: node.root, images: node.images, cgroupParent: node.cgroupParent, logger: logger)
        let pods = try PodAdmission(environment: environment).admit(file: filename, validation: validation)
        var settings = environment.settings
        settings.restartBackOff = BackOff(base: .milliseconds(Int(backoffBase * 1000)))
        let output = RunOutput()
        let agent = NodeAgent(settings: settings, runtime: environment.runtime, logger: logger) { output.handle($0) }
        let stopper = SignalWatcher(signals: [SIGINT, SIGTERM]) {
            Task { await agent.terminateAll(remove: false) }
        }
        let deletions = SignalWatcher(signals: [SIGUSR1]) {
            Task { await agent.processDeletionRequests() }
        }
        defer { stopper.cancel(); deletions.cancel() }
        for pod in pods { try await agent.start(pod) }
        var phases: [PodPhase] = []
        for pod in pods {
            phases.append(await agent.wait(uid: pod.metadata.uid ?? "") ?? .unknown)
        }
        // A `berth delete` may be removing a pod right now: finish that before exiting.
        await agent.processDeletionRequests()
        await output.drain()
        await agent.flushStatus()
        if rm {
            for pod in pods { await agent.terminate(uid: pod.metadata.uid ?? "", remove: true) }
        }
        if !phases.allSatisfy({ $0 == .succeeded }) { throw ExitCode(1) }
    }
}
