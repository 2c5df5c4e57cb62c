/// Kubernetes' Pod validation (`ValidatePodCreate` without the feature-gated parts).
extension Pod {
    /// Every problem with this pod, in Kubernetes' wording; empty when the pod is valid.
    /// Run it on `withDefaults()`: like Kubernetes, fields that defaulting fills are only
    /// judged when set.
    public func validate() -> [FieldError] {
        MetaValidation.validate(metadata) + spec.validate(path: Path("spec"))
    }
}

extension PodSpec {
    static let restartPolicies = ["Always", "OnFailure", "Never"]
    static let dnsPolicies = ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"]

    func validate(path: Path) -> [FieldError] {
        var errors: [FieldError] = []
        let volumeNames = validateVolumes(path: path.child("volumes"), errors: &errors)

        let context = ContainerValidation.Context(
            volumeNames: volumeNames, hostNetwork: hostNetwork ?? false, podSecurity: securityContext)
        var containerNames = Set<String>()
        for (i, container) in (initContainers ?? []).enumerated() {
            errors += ContainerValidation.validate(container, kind: .initContainer,
                                                   path: path.child("initContainers").index(i),
                                                   names: &containerNames, context: context)
        }
        if containers.isEmpty {
            errors.append(.required(path.child("containers").description))
        }
        for (i, container) in containers.enumerated() {
            errors += ContainerValidation.validate(container, kind: .regular,
                                                   path: path.child("containers").index(i),
                                                   names: &containerNames, context: context)
        }

        if let policy = restartPolicy, !PodSpec.restartPolicies.contains(policy) {
            errors.append(.notSupported(path.child("restartPolicy").description, policy, supported: ["Always", "Never", "OnFailure"]))
        }
        if let policy = dnsPolicy, !PodSpec.dnsPolicies.contains(policy) {
            errors.append(.notSupported(path.child("dnsPolicy").description, policy,
                                        supported: ["ClusterFirst", "ClusterFirstWithHostNet", "Default", "None"]))
        }
        if dnsPolicy == "None", dnsConfig == nil {
            errors.append(.required(path.child("dnsConfig").description, "must provide `dnsConfig` when `dnsPolicy` is None"))
        }
        if let grace = terminationGracePeriodSeconds, grace < 0 {
            errors.append(.invalid(path.child("terminationGracePeriodSeconds").description, number: grace, "must be greater than or equal to 0"))
        }
        if let deadline = activeDeadlineSeconds, !(1...Int64(Int32.max)).contains(deadline) {
            errors.append(.invalid(path.child("activeDeadlineSeconds").description, number: deadline,
                                   "must be between 1 and 2147483647, inclusive"))
        }
        for (field, value) in [("hostname", hostname), ("subdomain", subdomain)] {
            guard let value, !value.isEmpty else { continue }
            errors += NameValidation.dns1123Label(value).map { .invalid(path.child(field).description, value, $0) }
        }
        if let selector = nodeSelector {
            errors += MetaValidation.labels(selector, path: path.child("nodeSelector"))
        }
        if let account = serviceAccountName, !account.isEmpty {
            errors += NameValidation.dns1123Subdomain(account).map { .invalid(path.child("serviceAccountName").description, account, $0) }
        }
        if let security = securityContext {
            errors += SecurityValidation.validatePod(security, path: path.child("securityContext"))
        }
        return errors
    }

    /// Checks the volumes and returns their names, which volume mounts must refer to.
    private func validateVolumes(path: Path, errors: inout [FieldError]) -> Set<String> {
        var names = Set<String>()
        for (i, volume) in (volumes ?? []).enumerated() {
            let volumePath = path.index(i)
            let namePath = volumePath.child("name").description
            if volume.name.isEmpty {
                errors.append(.required(namePath))
            } else {
                errors += NameValidation.dns1123Label(volume.name).map { .invalid(namePath, volume.name, $0) }
                if !names.insert(volume.name).inserted {
                    errors.append(.duplicate(namePath, volume.name))
                }
            }
            errors += volume.validateSource(path: volumePath)
        }
        return names
    }
}

extension Volume {
    static let hostPathTypes = ["", "DirectoryOrCreate", "Directory", "FileOrCreate", "File", "Socket", "CharDevice", "BlockDevice"]

    /// The sources that are set, by JSON field name, in declaration order.
    var sources: [String] {
        let all: [(String, Bool)] = [
            ("hostPath", hostPath != nil), ("emptyDir", emptyDir != nil), ("secret", secret != nil),
            ("configMap", configMap != nil), ("projected", projected != nil), ("downwardAPI", downwardAPI != nil),
            ("persistentVolumeClaim", persistentVolumeClaim != nil), ("nfs", nfs != nil), ("csi", csi != nil),
            ("ephemeral", ephemeral != nil), ("image", image != nil),
        ]
        return all.filter(\.1).map(\.0)
    }

    func validateSource(path: Path) -> [FieldError] {
        var errors: [FieldError] = []
        let set = sources
        if set.isEmpty {
            errors.append(.required(path.description, "must specify a volume type"))
        }
        for extra in set.dropFirst() {
            errors.append(.forbidden(path.child(extra).description, "may not specify more than 1 volume type"))
        }
        if let hostPath {
            let hostPathPath = path.child("hostPath")
            if hostPath.path.isEmpty {
                errors.append(.required(hostPathPath.child("path").description))
            } else if !hostPath.path.hasPrefix("/") {
                errors.append(.invalid(hostPathPath.child("path").description, hostPath.path, "must be an absolute path"))
            }
            if let type = hostPath.type, !Volume.hostPathTypes.contains(type) {
                errors.append(.notSupported(hostPathPath.child("type").description, type, supported: Volume.hostPathTypes))
            }
        }
        if let emptyDir {
            let emptyDirPath = path.child("emptyDir")
            if let medium = emptyDir.medium, !["", "Memory", "HugePages"].contains(medium), !medium.hasPrefix("HugePages-") {
                errors.append(.notSupported(emptyDirPath.child("medium").description, medium, supported: ["", "Memory", "HugePages"]))
            }
            if let limit = emptyDir.sizeLimit, limit.isNegative {
                errors.append(.invalid(emptyDirPath.child("sizeLimit").description, limit.string, "must be greater than or equal to 0"))
            }
        }
        return errors
    }
}
