import ArgumentParser
import BerthAPI
import BerthNode
import BerthRuntime
import Foundation

struct Describe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show a pod in detail (like kubectl describe pod).")

    @OptionGroup var node: NodeOptions
    @OptionGroup var selection: PodSelection

    @Argument(help: "The resource: pod (po, pods).") var resource: String
    @Argument(help: "The pod.") var name: String

    func validate() throws {
        guard ["pods", "pod", "po"].contains(resource) else {
            throw ValidationError("the server doesn't have a resource type \"\(resource)\" (only pods here)")
        }
    }

    func run() async throws {
        let store = PodStore(runDirectory: BerthPaths(root: node.root).runDirectory)
        let pod = try selection.find(name, in: store)
        print(PodDescriber.describe(pod), terminator: "")
    }
}
