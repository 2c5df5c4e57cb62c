import ArgumentParser
import BerthAPI
import BerthNode
import BerthRuntime
import Foundation

struct Get: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List pods (like kubectl get pods).")

    @OptionGroup var node: NodeOptions
    @OptionGroup var selection: PodSelection

    @Argument(help: "The resource: pods (po, pod).")
    var resource: String

    @Argument(help: "Pod names (all when none).")
    var names: [String] = []

    @Option(name: .shortAndLong, help: "Output format: yaml or json (default: a table).")
    var output: String?

    @Flag(name: [.customShort("A"), .customLong("all-namespaces")], help: "Pods of every namespace.")
    var allNamespaces = false

    func validate() throws {
        guard ["pods", "pod", "po"].contains(resource) else {
            throw ValidationError("the server doesn't have a resource type \"\(resource)\" (only pods here)")
        }
        if let output, !["yaml", "json", "wide", "name"].contains(output) {
            throw ValidationError("unable to match a printer suitable for the output format \"\(output)\", allowed formats are: json,name,wide,yaml")
        }
    }

    func run() async throws {
        let store = PodStore(runDirectory: BerthPaths(root: node.root).runDirectory)
        var pods = store.list().filter { allNamespaces || $0.metadata.namespace == selection.namespace }
        if !names.isEmpty {
            for name in names where !pods.contains(where: { $0.metadata.name == name }) {
                throw CLIError("Error from server (NotFound): pods \"\(name)\" not found")
            }
            pods = pods.filter { names.contains($0.metadata.name ?? "") }
        }
        switch output {
        case "yaml":
            print(encodeYAML(names.count == 1 ? AnyPodOutput.single(pods[0]) : .list(pods)), terminator: "")
        case "json":
            print(String(decoding: encodeJSON(names.count == 1 ? AnyPodOutput.single(pods[0]) : .list(pods), pretty: true), as: UTF8.self))
        case "name":
            for pod in pods { print("pod/\(pod.metadata.name ?? "")") }
        default:
            guard !pods.isEmpty else {
                FileHandle.standardError.write(Data("No resources found in \(allNamespaces ? "any" : selection.namespace) namespace.\n".utf8))
                return
            }
            var rows = [(allNamespaces ? ["NAMESPACE"] : []) + PodPrinter.header]
            for pod in pods {
                let deleting = store.deletionRequest(uid: pod.metadata.uid ?? "") != nil
                rows.append((allNamespaces ? [pod.metadata.namespace ?? ""] : []) + PodPrinter.row(pod, deleting: deleting))
            }
            print(PodPrinter.table(rows), terminator: "")
        }
    }
}

/// `-o yaml` of one pod prints the pod; of several, a v1 List as kubectl does.
enum AnyPodOutput: Encodable {
    case single(Pod)
    case list([Pod])

    enum Keys: String, CodingKey { case apiVersion, kind, items, metadata }

    func encode(to encoder: any Encoder) throws {
        switch self {
        case .single(let pod):
            try pod.encode(to: encoder)
        case .list(let pods):
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode("v1", forKey: .apiVersion)
            try container.encode("List", forKey: .kind)
            try container.encode(pods, forKey: .items)
            try container.encode(["resourceVersion": ""], forKey: .metadata)
        }
    }
}
