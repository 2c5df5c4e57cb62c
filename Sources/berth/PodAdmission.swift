import BerthAPI
import BerthNode
import BerthRuntime
import Foundation

/// Everything `berth run` checks before it starts anything, so that bad input leaves nothing
/// behind: YAML, kinds, unknown fields, validation, images, commands, name clashes.
struct PodAdmission {
    var environment: NodeEnvironment

    func admit(file: String, validation: String) throws -> [Pod] {
        let text: String
        if file == "-" {
            text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        } else {
            do { text = try String(contentsOfFile: file, encoding: .utf8) } catch {
                throw CLIError("error: the path \"\(file)\" cannot be read: \(error.localizedDescription)")
            }
        }
        let decoded: (pods: [Pod], warnings: [String])
        do { decoded = try decodePods(yaml: text, strict: validation == "strict") } catch {
            throw CLIError("error: \(file): \(error.description)")
        }
        if validation == "warn" {
            for warning in decoded.warnings { FileHandle.standardError.write(Data("Warning: \(warning)\n".utf8)) }
        }
        guard !decoded.pods.isEmpty else { throw CLIError("error: \(file): no Pod documents") }
        var pods: [Pod] = []
        var names = Set<String>()
        for decodedPod in decoded.pods {
            var pod = decodedPod.withDefaults()
            let name = pod.metadata.name ?? pod.metadata.generateName ?? ""
            var errors = pod.validate().map(\.description)
            errors += imageAndCommandErrors(pod)
            guard errors.isEmpty else {
                throw CLIError("The Pod \"\(name)\" is invalid: \n" + errors.map { "* " + $0 }.joined(separator: "\n"))
            }
            if pod.metadata.name == nil, let prefix = pod.metadata.generateName {
                pod.metadata.name = prefix + String(UUID().uuidString.lowercased().prefix(5))
            }
            let key = "\(pod.metadata.namespace ?? "default")/\(pod.metadata.name ?? "")"
            if !names.insert(key).inserted || environment.store.find(namespace: pod.metadata.namespace ?? "default",
                                                                      name: pod.metadata.name ?? "") != nil {
                throw CLIError("Error from server (AlreadyExists): pods \"\(pod.metadata.name ?? "")\" already exists")
            }
            pod.metadata.uid = UUID().uuidString.lowercased()
            var annotations = pod.metadata.annotations ?? [:]
            annotations["kubernetes.io/config.source"] = "run"
            pod.metadata.annotations = annotations
            pods.append(pod)
        }
        return pods
    }

    /// Errors Kubernetes would only report once the pod is on a node (ErrImagePull,
    /// CreateContainerConfigError): `berth run` reports them up front, with the field path.
    func imageAndCommandErrors(_ pod: Pod) -> [String] {
        var errors: [String] = []
        let groups: [(String, [Container])] = [("initContainers", pod.spec.initContainers ?? []), ("containers", pod.spec.containers)]
        for (field, containers) in groups {
            for (index, container) in containers.enumerated() {
                let path = "spec.\(field)[\(index)]"
                if let image = container.image, !image.isEmpty {
                    do { _ = try environment.runtime.images.resolve(image) } catch {
                        errors.append("\(path).image: Invalid value: \"\(image)\": \(error.description)")
                    }
                }
                if (container.command ?? []).isEmpty && (container.args ?? []).isEmpty {
                    errors.append("\(path).command: Required value: images here carry no default command")
                }
                errors += ProbeTranslation.unsupportedErrors(container, path: path)
            }
        }
        return errors
    }
}
