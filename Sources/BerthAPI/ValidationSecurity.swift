/// Security context rules for pods and containers.
public enum SecurityValidation {
    static let seccompTypes = ["Localhost", "RuntimeDefault", "Unconfined"]
    static let procMounts = ["Default", "Unmasked"]
    static let maxID: Int64 = 2_147_483_647

    /// Linux capability names without the `CAP_` prefix (capability.h, Linux 5.9+).
    public static let capabilityNames: Set<String> = [
        "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID",
        "SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW",
        "IPC_LOCK", "IPC_OWNER", "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT",
        "SYS_ADMIN", "SYS_BOOT", "SYS_NICE", "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD",
        "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP", "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG",
        "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF", "CHECKPOINT_RESTORE",
    ]

    /// `CAP_NET_ADMIN` for `NET_ADMIN` or `CAP_NET_ADMIN`; `ALL` for `ALL`; nil when not a
    /// capability. The runtime uses this to turn API names into kernel names.
    public static func normalizedCapability(_ name: String) -> String? {
        if name == "ALL" { return "ALL" }
        let bare = name.hasPrefix("CAP_") ? String(name.dropFirst(4)) : name
        return capabilityNames.contains(bare) ? "CAP_" + bare : nil
    }

    static func validatePod(_ sc: PodSecurityContext, path: Path) -> [FieldError] {
        var errors: [FieldError] = []
        errors += ids([("runAsUser", sc.runAsUser), ("runAsGroup", sc.runAsGroup), ("fsGroup", sc.fsGroup)], path: path)
        for (i, group) in (sc.supplementalGroups ?? []).enumerated() where !(0...maxID).contains(group) {
            errors.append(.invalid(path.child("supplementalGroups").index(i).description, number: group,
                                   "must be between 0 and 2147483647, inclusive"))
        }
        if sc.runAsNonRoot == true, sc.runAsUser == 0 {
            errors.append(.forbidden(path.child("runAsUser").description, "may not be 0 when runAsNonRoot is true"))
        }
        if let seccomp = sc.seccompProfile {
            errors += seccompProfile(seccomp, path: path.child("seccompProfile"))
        }
        var sysctlNames = Set<String>()
        for (i, sysctl) in (sc.sysctls ?? []).enumerated() {
            let namePath = path.child("sysctls").index(i).child("name").description
            if sysctl.name.isEmpty {
                errors.append(.required(namePath))
            } else if !isSysctlName(sysctl.name) {
                errors.append(.invalid(namePath, sysctl.name,
                                       "must have at most 253 characters and match regex ^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$"))
            } else if !sysctlNames.insert(sysctl.name).inserted {
                errors.append(.duplicate(namePath, sysctl.name))
            }
        }
        return errors
    }

    static func validateContainer(_ sc: SecurityContext?, pod: PodSecurityContext?, path: Path) -> [FieldError] {
        var errors: [FieldError] = []
        // runAsNonRoot and runAsUser may come from the pod or the container; the container wins.
        let nonRoot = sc?.runAsNonRoot ?? pod?.runAsNonRoot
        let user = sc?.runAsUser ?? pod?.runAsUser
        if nonRoot == true, user == 0, sc?.runAsNonRoot != nil || sc?.runAsUser != nil {
            errors.append(.forbidden(path.child("runAsUser").description, "may not be 0 when runAsNonRoot is true"))
        }
        guard let sc else { return errors }
        errors += ids([("runAsUser", sc.runAsUser), ("runAsGroup", sc.runAsGroup)], path: path)
        if let caps = sc.capabilities {
            for (field, names) in [("add", caps.add ?? []), ("drop", caps.drop ?? [])] {
                for (i, name) in names.enumerated() where normalizedCapability(name) == nil {
                    errors.append(.invalid(path.child("capabilities").child(field).index(i).description, name,
                                           "must be a Linux capability name such as NET_ADMIN (the CAP_ prefix is optional) or ALL"))
                }
            }
        }
        if sc.allowPrivilegeEscalation == false {
            if sc.privileged == true {
                errors.append(.invalid(path.description, nil, "cannot set `allowPrivilegeEscalation` to false and `privileged` to true"))
            }
            if (sc.capabilities?.add ?? []).contains(where: { normalizedCapability($0) == "CAP_SYS_ADMIN" }) {
                errors.append(.invalid(path.description, nil,
                                       "cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN"))
            }
        }
        if let procMount = sc.procMount, !procMounts.contains(procMount) {
            errors.append(.notSupported(path.child("procMount").description, procMount, supported: procMounts))
        }
        if let seccomp = sc.seccompProfile {
            errors += seccompProfile(seccomp, path: path.child("seccompProfile"))
        }
        return errors
    }

    private static func ids(_ fields: [(String, Int64?)], path: Path) -> [FieldError] {
        fields.compactMap { field, value in
            guard let value, !(0...maxID).contains(value) else { return nil }
            return .invalid(path.child(field).description, number: value, "must be between 0 and 2147483647, inclusive")
        }
    }

    private static func seccompProfile(_ profile: SeccompProfile, path: Path) -> [FieldError] {
        var errors: [FieldError] = []
        if profile.type.isEmpty {
            errors.append(.required(path.child("type").description))
        } else if !seccompTypes.contains(profile.type) {
            errors.append(.notSupported(path.child("type").description, profile.type, supported: seccompTypes))
        }
        let localhostPath = path.child("localhostProfile").description
        if profile.type == "Localhost" {
            if let local = profile.localhostProfile, !local.isEmpty {
                errors += ContainerValidation.relativeDescendingPath(local, path: localhostPath)
            } else {
                errors.append(.required(localhostPath, "must be set when seccomp type is Localhost"))
            }
        } else if let local = profile.localhostProfile {
            errors.append(.invalid(localhostPath, local, "can only be set when seccomp type is Localhost"))
        }
        return errors
    }

    private static func isSysctlName(_ name: String) -> Bool {
        guard name.count <= 253 else { return false }
        let segments = name.split(omittingEmptySubsequences: false) { $0 == "." || $0 == "/" }
        return segments.allSatisfy { segment in
            guard let first = segment.first, let last = segment.last else { return false }
            let edge: (Character) -> Bool = { $0.isASCII && ($0.isLowercase || $0.isNumber) }
            return edge(first) && edge(last) && segment.allSatisfy { edge($0) || $0 == "-" || $0 == "_" }
        }
    }
}
