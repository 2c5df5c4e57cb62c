import ArgumentParser
import BerthAPI
import BerthNode
import BerthRuntime
import Foundation

struct Delete: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Stop a pod gracefully and remove it (like kubectl delete pod).")

    @OptionGroup var node: NodeOptions
    @OptionGroup var selection: PodSelection

    @Argument(help: "The resource: pod (po, pods).") var resource: String
    @Argument(help: "Pod names.") var names: [String]
    @Option(help: "Seconds to wait after SIGTERM before SIGKILL (default: the pod's terminationGracePeriodSeconds).")
    var gracePeriod: Double?

    func validate() throws {
        guard ["pods", "pod", "po"].contains(resource) else {
            throw ValidationError("the server doesn't have a resource type \"\(resource)\" (only pods here)")
        }
        guard !names.isEmpty else { throw ValidationError("resource(s) were provided, but no name was specified") }
        if let gracePeriod, gracePeriod < 0 { throw ValidationError("--grace-period must not be negative") }
    }

    func run() async throws {
        let logger = node.makeLogger("berth.delete")
        let environment = try NodeEnvironment(root: node.root, images: node.images, cgroupParent: node.cgroupParent, logger: logger)
        let store = environment.store
        let pods = try names.map { try selection.find($0, in: store) }
        for pod in pods {
            let uid = pod.metadata.uid ?? ""
            if let owner = store.liveOwner(uid: uid) {
                // The process running the pod stops it; we wait for its record to go.
                try store.requestDeletion(uid: uid, gracePeriodSeconds: gracePeriod)
                kill(owner, SIGUSR1)
                let grace = gracePeriod ?? Double(pod.spec.terminationGracePeriodSeconds ?? 30)
                let deadline = ContinuousClock.now + .seconds(grace + 30)
                while store.load(uid: uid) != nil {
                    guard ContinuousClock.now < deadline else {
                        throw CLIError("error: timed out waiting for pod \"\(pod.metadata.name ?? "")\" to be deleted")
                    }
                    try await Task.sleep(for: .milliseconds(20))
                }
            } else {
                let agent = NodeAgent(settings: environment.settings, runtime: environment.runtime, logger: logger)
                await agent.removeOrphan(pod, gracePeriodSeconds: gracePeriod)
            }
            print("pod \"\(pod.metadata.name ?? "")\" deleted")
        }
    }
}
