import ArgumentParser
import BerthAPI
import BerthNode
import Foundation

/// Flags naming a pod, and the lookup in the pod store.
struct PodSelection: ParsableArguments {
    @Option(name: .shortAndLong, help: "Namespace of the pod.")
    var namespace: String = "default"

    func find(_ name: String, in store: PodStore) throws -> Pod {
        guard let pod = store.find(namespace: namespace, name: name) else {
            throw CLIError("Error from server (NotFound): pods \"\(name)\" not found")
        }
        return pod
    }
}

extension Pod {
    /// The container a command means: the one named, else the default-container annotation,
    /// else the first (with kubectl's notice when there are several).
    func chooseContainer(_ name: String?) throws -> String {
        let all = (spec.initContainers ?? []).map(\.name) + spec.containers.map(\.name)
        if let name {
            guard all.contains(name) else {
                throw CLIError("error: container \(name) is not valid for pod \(metadata.name ?? "")")
            }
            return name
        }
        if let annotated = metadata.annotations?["kubectl.kubernetes.io/default-container"], all.contains(annotated) {
            return annotated
        }
        let first = spec.containers.first?.name ?? ""
        if all.count > 1 {
            FileHandle.standardError.write(Data("Defaulted container \"\(first)\" out of: \(all.joined(separator: ", "))\n".utf8))
        }
        return first
    }

    func containerStatus(_ name: String) -> BerthAPI.ContainerStatus? {
        ((status?.initContainerStatuses ?? []) + (status?.containerStatuses ?? [])).first { $0.name == name }
    }
}
