/// The RuntimeDefault seccomp profile, as a deny list with the effect of containerd's default
/// allow list: the calls containerd only allows with a capability are denied unless the
/// container has that capability, and the calls it never allows are always denied.
public enum SeccompDenyList {
    /// Denied unless CAP_SYS_ADMIN is in the set.
    static let needSysAdmin = [
        "mount", "umount", "umount2", "unshare", "setns", "pivot_root", "open_tree", "move_mount",
        "fsopen", "fsconfig", "fsmount", "fspick", "mount_setattr", "quotactl", "quotactl_fd",
        "name_to_handle_at", "lookup_dcookie", "perf_event_open", "fanotify_init", "bpf",
        "iopl", "ioperm", "vm86", "vm86old",
    ]
    static let needSysPtrace = ["ptrace", "process_vm_readv", "process_vm_writev", "kcmp"]
    static let needSysModule = ["init_module", "finit_module", "delete_module"]
    static let needSysBoot = ["reboot", "kexec_load", "kexec_file_load"]
    static let needSysTime = ["settimeofday", "stime", "clock_settime", "clock_settime64", "adjtimex", "clock_adjtime", "clock_adjtime64"]
    static let needSysPacct = ["acct"]
    static let needSyslog = ["syslog"]
    static let needSysNice = ["get_mempolicy", "set_mempolicy", "mbind", "move_pages"]
    static let needDacReadSearch = ["open_by_handle_at"]
    /// Never allowed by containerd's default, whatever the capabilities.
    static let alwaysDenied = [
        "keyctl", "add_key", "request_key", "swapon", "swapoff", "userfaultfd", "uselib",
        "create_module", "get_kernel_syms", "query_module", "nfsservctl", "_sysctl", "sysfs",
        "ustat",
    ]

    /// The syscalls to deny (EPERM) for a container with these capabilities, and whether clone
    /// with namespace flags is denied too. Unconfined denies nothing.
    public static func denyList(capabilities: [String], mode: SeccompMode) -> (syscalls: [String], denyCloneNamespaces: Bool) {
        guard mode == .runtimeDefault else { return ([], false) }
        let caps = Set(capabilities.map(LinuxCapabilities.normalize))
        var deny = alwaysDenied
        func unless(_ cap: String, _ calls: [String]) { if !caps.contains(cap) { deny += calls } }
        unless("SYS_ADMIN", needSysAdmin)
        unless("SYSLOG", needSyslog)
        unless("SYS_PTRACE", needSysPtrace)
        unless("SYS_MODULE", needSysModule)
        unless("SYS_BOOT", needSysBoot)
        unless("SYS_TIME", needSysTime)
        unless("SYS_PACCT", needSysPacct)
        unless("SYS_NICE", needSysNice)
        unless("DAC_READ_SEARCH", needDacReadSearch)
        var seen = Set<String>()
        return (deny.filter { seen.insert($0).inserted }, !caps.contains("SYS_ADMIN"))
    }
}
