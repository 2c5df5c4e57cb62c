/// Linux capability names and numbers, and the default set containerd and runc give a container.
public enum LinuxCapabilities {
    /// Numbered as in linux/capability.h.
    public static let all: [String: Int32] = [
        "CHOWN": 0, "DAC_OVERRIDE": 1, "DAC_READ_SEARCH": 2, "FOWNER": 3, "FSETID": 4, "KILL": 5,
        "SETGID": 6, "SETUID": 7, "SETPCAP": 8, "LINUX_IMMUTABLE": 9, "NET_BIND_SERVICE": 10,
        "NET_BROADCAST": 11, "NET_ADMIN": 12, "NET_RAW": 13, "IPC_LOCK": 14, "IPC_OWNER": 15,
        "SYS_MODULE": 16, "SYS_RAWIO": 17, "SYS_CHROOT": 18, "SYS_PTRACE": 19, "SYS_PACCT": 20,
        "SYS_ADMIN": 21, "SYS_BOOT": 22, "SYS_NICE": 23, "SYS_RESOURCE": 24, "SYS_TIME": 25,
        "SYS_TTY_CONFIG": 26, "MKNOD": 27, "LEASE": 28, "AUDIT_WRITE": 29, "AUDIT_CONTROL": 30,
        "SETFCAP": 31, "MAC_OVERRIDE": 32, "MAC_ADMIN": 33, "SYSLOG": 34, "WAKE_ALARM": 35,
        "BLOCK_SUSPEND": 36, "AUDIT_READ": 37, "PERFMON": 38, "BPF": 39, "CHECKPOINT_RESTORE": 40,
    ]

    /// containerd's and runc's default: exactly these 14 (CapEff 00000000a80425fb).
    public static let defaultSet: [String] = [
        "CHOWN", "DAC_OVERRIDE", "FSETID", "FOWNER", "MKNOD", "NET_RAW", "SETGID", "SETUID",
        "SETFCAP", "SETPCAP", "NET_BIND_SERVICE", "SYS_CHROOT", "KILL", "AUDIT_WRITE",
    ]

    /// "CAP_NET_ADMIN", "net_admin" and "NET_ADMIN" all name one capability.
    public static func normalize(_ name: String) -> String {
        let upper = name.uppercased()
        return upper.hasPrefix("CAP_") ? String(upper.dropFirst(4)) : upper
    }

    public static func number(_ name: String) -> Int32? { all[normalize(name)] }

    /// Kubernetes' rule: start from the default set (or everything when privileged), add, then
    /// drop; "ALL" in drop removes everything not explicitly added.
    public static func effectiveSet(add: [String], drop: [String], privileged: Bool) -> [String] {
        if privileged { return all.sorted { $0.value < $1.value }.map(\.key) }
        let added = add.map(normalize)
        let dropped = Set(drop.map(normalize))
        var set = dropped.contains("ALL") ? [] : defaultSet.filter { !dropped.contains($0) }
        if added.contains("ALL") { set = all.keys.sorted() }
        for name in added where name != "ALL" && !set.contains(name) && !dropped.contains(name) {
            set.append(name)
        }
        return set
    }

    /// The kernel's bitmask for a set, as /proc/<pid>/status prints CapEff.
    public static func mask(_ names: [String]) -> UInt64 {
        names.compactMap(number).reduce(UInt64(0)) { $0 | (1 << UInt64($1)) }
    }
}
