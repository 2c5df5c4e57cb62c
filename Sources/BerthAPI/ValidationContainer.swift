import Foundation

/// Per-container rules: names, image, ports, env, mounts, probes, and the parts of resources and
/// security that belong to one container.
enum ContainerValidation {
    enum Kind { case regular, initContainer }

    struct Context {
        var volumeNames: Set<String>
        var hostNetwork: Bool
        var podSecurity: PodSecurityContext?
    }

    static let pullPolicies = ["Always", "IfNotPresent", "Never"]
    static let messagePolicies = ["File", "FallbackToLogsOnError"]
    static let protocols = ["SCTP", "TCP", "UDP"]

    static func validate(_ c: Container, kind: Kind, path: Path, names: inout Set<String>, context: Context) -> [FieldError] {
        var errors: [FieldError] = []
        let namePath = path.child("name").description
        if c.name.isEmpty {
            errors.append(.required(namePath))
        } else {
            errors += NameValidation.dns1123Label(c.name).map { .invalid(namePath, c.name, $0) }
            if !names.insert(c.name).inserted { errors.append(.duplicate(namePath, c.name)) }
        }
        let image = c.image ?? ""
        if image.isEmpty {
            errors.append(.required(path.child("image").description))
        } else if image.trimmingCharacters(in: .whitespacesAndNewlines) != image {
            errors.append(.invalid(path.child("image").description, image, "must not have leading or trailing whitespace"))
        }
        if let policy = c.imagePullPolicy, !pullPolicies.contains(policy) {
            errors.append(.notSupported(path.child("imagePullPolicy").description, policy, supported: pullPolicies))
        }
        if let policy = c.terminationMessagePolicy, !messagePolicies.contains(policy) {
            errors.append(.notSupported(path.child("terminationMessagePolicy").description, policy, supported: messagePolicies))
        }

        let isSidecar = kind == .initContainer && c.restartPolicy == "Always"
        if let policy = c.restartPolicy {
            switch kind {
            case .initContainer where policy != "Always":
                errors.append(.notSupported(path.child("restartPolicy").description, policy, supported: ["Always"]))
            case .regular:
                errors.append(.forbidden(path.child("restartPolicy").description, "may not be set for non-init containers"))
            default:
                break
            }
        }

        errors += ports(c.ports ?? [], path: path.child("ports"), hostNetwork: context.hostNetwork)
        errors += env(c.env ?? [], path: path.child("env"))
        errors += mounts(c.volumeMounts ?? [], path: path.child("volumeMounts"), volumes: context.volumeNames)
        if let resources = c.resources {
            errors += ResourceValidation.validate(resources, path: path.child("resources"))
        }

        let probes: [(String, Probe?)] = [
            ("livenessProbe", c.livenessProbe), ("readinessProbe", c.readinessProbe), ("startupProbe", c.startupProbe),
        ]
        for (field, probe) in probes {
            guard let probe else { continue }
            if kind == .initContainer, !isSidecar {
                errors.append(.forbidden(path.child(field).description, "may not be set for init containers without restartPolicy=Always"))
                continue
            }
            errors += ProbeValidation.validate(probe, path: path.child(field), isReadiness: field == "readinessProbe",
                                               mustSucceedOnce: field != "readinessProbe")
        }
        errors += SecurityValidation.validateContainer(c.securityContext, pod: context.podSecurity,
                                                       path: path.child("securityContext"))
        return errors
    }

    static func ports(_ ports: [ContainerPort], path: Path, hostNetwork: Bool) -> [FieldError] {
        var errors: [FieldError] = []
        var names = Set<String>()
        for (i, port) in ports.enumerated() {
            let portPath = path.index(i)
            if let name = port.name, !name.isEmpty {
                errors += NameValidation.portName(name).map { .invalid(portPath.child("name").description, name, $0) }
                if !names.insert(name).inserted { errors.append(.duplicate(portPath.child("name").description, name)) }
            }
            if port.containerPort == 0 {
                errors.append(.required(portPath.child("containerPort").description))
            } else {
                errors += NameValidation.portNumber(Int64(port.containerPort)).map {
                    .invalid(portPath.child("containerPort").description, number: Int64(port.containerPort), $0)
                }
            }
            if let hostPort = port.hostPort, hostPort != 0 {
                errors += NameValidation.portNumber(Int64(hostPort)).map {
                    .invalid(portPath.child("hostPort").description, number: Int64(hostPort), $0)
                }
                if hostNetwork, hostPort != port.containerPort {
                    errors.append(.invalid(portPath.child("hostPort").description, number: Int64(hostPort),
                                           "must match `containerPort` when `hostNetwork` is true"))
                }
            }
            if let proto = port.protocol, !protocols.contains(proto) {
                errors.append(.notSupported(portPath.child("protocol").description, proto, supported: protocols))
            }
        }
        return errors
    }

    static func env(_ vars: [EnvVar], path: Path) -> [FieldError] {
        var errors: [FieldError] = []
        for (i, variable) in vars.enumerated() {
            let namePath = path.index(i).child("name").description
            if variable.name.isEmpty {
                errors.append(.required(namePath))
            } else if variable.name.contains("=") || !variable.name.unicodeScalars.allSatisfy({ (0x20...0x7e).contains($0.value) }) {
                errors.append(.invalid(namePath, variable.name,
                                       "a valid environment variable name must consist only of printable ASCII characters other than '='"))
            }
            if variable.valueFrom != nil, let value = variable.value, !value.isEmpty {
                errors.append(.invalid(path.index(i).child("valueFrom").description, nil,
                                       "may not be specified when `value` is not empty"))
            }
        }
        return errors
    }

    static func mounts(_ mounts: [VolumeMount], path: Path, volumes: Set<String>) -> [FieldError] {
        var errors: [FieldError] = []
        var mountPaths = Set<String>()
        for (i, mount) in mounts.enumerated() {
            let mountPath = path.index(i)
            if mount.name.isEmpty {
                errors.append(.required(mountPath.child("name").description))
            } else if !volumes.contains(mount.name) {
                errors.append(.notFound(mountPath.child("name").description, mount.name))
            }
            let target = mountPath.child("mountPath").description
            if mount.mountPath.isEmpty {
                errors.append(.required(target))
            } else {
                if !mount.mountPath.hasPrefix("/") {
                    errors.append(.invalid(target, mount.mountPath, "must be an absolute path"))
                }
                if !mountPaths.insert(mount.mountPath).inserted {
                    errors.append(.invalid(target, mount.mountPath, "must be unique"))
                }
            }
            if let subPath = mount.subPath, !subPath.isEmpty {
                errors += relativeDescendingPath(subPath, path: mountPath.child("subPath").description)
            }
            if let propagation = mount.mountPropagation, !["None", "HostToContainer", "Bidirectional"].contains(propagation) {
                errors.append(.notSupported(mountPath.child("mountPropagation").description, propagation,
                                            supported: ["Bidirectional", "HostToContainer", "None"]))
            }
        }
        return errors
    }

    /// A path that stays below its base: relative, and with no `..` element.
    static func relativeDescendingPath(_ value: String, path: String) -> [FieldError] {
        var errors: [FieldError] = []
        if value.hasPrefix("/") {
            errors.append(.invalid(path, value, "must be a relative path"))
        }
        if value.split(separator: "/").contains("..") {
            errors.append(.invalid(path, value, "must not contain '..'"))
        }
        return errors
    }
}
