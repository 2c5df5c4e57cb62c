import Foundation

/// The records berth-shim reads from fd 3 (see `berth_bootstrap.h` for the table).
/// Building them is pure so that the translation can be table-tested without a kernel.
public struct Bootstrap: Sendable, Equatable {
    public private(set) var records: [[String]] = [["version", "1"]]

    public init() {}

    public mutating func add(_ key: String, _ values: String...) { records.append([key] + values) }
    public mutating func add(_ key: String, values: [String]) { records.append([key] + values) }

    /// The wire form: one record per line, tab-separated, values percent-encoded.
    public var encoded: String {
        records.map { $0.map(Bootstrap.percentEncode).joined(separator: "\t") }.joined(separator: "\n") + "\n"
    }

    static func percentEncode(_ value: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(value.utf8.count)
        for byte in value.utf8 {
            if byte < 0x20 || byte == UInt8(ascii: "%") || byte == 0x7f {
                bytes += Array(String(format: "%%%02X", byte).utf8)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Paths the runtime has prepared for one container, inputs to the bootstrap.
public struct ContainerPaths: Sendable, Equatable {
    public var stateDirectory: String
    public var rootfs: String
    public var imageRootfs: String
    public var upperDirectory: String
    public var workDirectory: String
    public var logPath: String
    public var sandboxDirectory: String
}

/// The filesystem every container gets, in the spirit of runc's default spec.
enum ContainerFilesystem {
    static let maskedPaths = [
        "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
        "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
        "/sys/firmware", "/sys/devices/virtual/powercap",
    ]
    static let readonlyPaths = ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]
    static let devices: [(path: String, major: Int, minor: Int)] = [
        ("/dev/null", 1, 3), ("/dev/zero", 1, 5), ("/dev/full", 1, 7),
        ("/dev/random", 1, 8), ("/dev/urandom", 1, 9), ("/dev/tty", 5, 0),
    ]
    static let symlinks: [(target: String, link: String)] = [
        ("/proc/self/fd", "/dev/fd"), ("/proc/self/fd/0", "/dev/stdin"),
        ("/proc/self/fd/1", "/dev/stdout"), ("/proc/self/fd/2", "/dev/stderr"),
        ("pts/ptmx", "/dev/ptmx"), ("/proc/kcore", "/dev/core"),
    ]
}

extension Bootstrap {
    /// The bootstrap for `berth-shim run`: a pure function of the config and the prepared paths.
    public static func forContainer(id: String, config: ContainerConfig, paths: ContainerPaths,
                                    namespaces: SandboxNamespaces, cgroupProcs: [String],
                                    oomFile: String?) -> Bootstrap {
        var b = Bootstrap()
        b.add("id", id)
        b.add("statedir", paths.stateDirectory)
        b.add("log", paths.logPath)
        b.add("netns", namespaces.net)
        b.add("ipcns", namespaces.ipc)
        b.add("utsns", namespaces.uts)
        if let pid = namespaces.pid { b.add("pidns", pid) }
        for file in cgroupProcs { b.add("cgroupprocs", file) }
        if let oomFile { b.add("oomfile", oomFile) }
        b.add("rootfs", paths.rootfs)
        b.add("overlay", paths.imageRootfs, paths.upperDirectory, paths.workDirectory)

        b.add("mount", "proc", "/proc", "proc", "nosuid,noexec,nodev", "")
        b.add("mount", "tmpfs", "/dev", "tmpfs", "nosuid,strictatime", "mode=755,size=65536k")
        b.add("mount", "devpts", "/dev/pts", "devpts", "nosuid,noexec", "newinstance,ptmxmode=0666,mode=0620,gid=5")
        b.add("mount", paths.sandboxDirectory + "/shm", "/dev/shm", "", "bind,nosuid,noexec,nodev", "")
        b.add("mount", "mqueue", "/dev/mqueue", "mqueue", "nosuid,noexec,nodev", "")
        b.add("mount", "sysfs", "/sys", "sysfs", config.privileged ? "nosuid,noexec,nodev" : "nosuid,noexec,nodev,ro", "")
        for file in ["hosts", "hostname", "resolv.conf"] {
            b.add("mount", paths.sandboxDirectory + "/" + file, "/etc/" + file, "", "bind,file", "")
        }
        for mount in config.mounts {
            // The shim creates a missing target of the same type as the source.
            var flags = ["rbind"]
            if mount.readOnly { flags.append("ro") }
            b.add("mount", mount.hostPath, mount.containerPath, "", flags.joined(separator: ","), "")
        }
        for device in ContainerFilesystem.devices {
            b.add("device", device.path, "c", String(device.major), String(device.minor), "0666", "0", "0")
        }
        for link in ContainerFilesystem.symlinks { b.add("symlink", link.target, link.link) }
        if !config.privileged {
            for path in ContainerFilesystem.maskedPaths { b.add("maskpath", path) }
            for path in ContainerFilesystem.readonlyPaths { b.add("readonlypath", path) }
        }
        if config.readOnlyRootFilesystem { b.add("rootreadonly", "1") }
        b.addProcess(config: config)
        return b
    }

    /// The records that describe the process itself, shared by run and exec.
    mutating func addProcess(config: ContainerConfig) {
        if let dir = config.workingDir, !dir.isEmpty { add("cwd", dir) }
        for entry in config.env { add("env", entry) }
        for arg in config.argv { add("arg", arg) }
        add("user", String(config.uid), String(config.gid))
        add("groups", values: config.supplementalGroups.map(String.init))
        let caps = config.privileged ? LinuxCapabilities.all.keys.sorted() : config.capabilities
        add("caps", values: caps.compactMap(LinuxCapabilities.number).sorted().map(String.init))
        if config.noNewPrivileges && !config.privileged { add("nonewprivs", "1") }
        let seccomp = SeccompDenyList.denyList(capabilities: caps, mode: config.privileged ? .unconfined : config.seccomp)
        if !seccomp.syscalls.isEmpty { add("seccomp", values: ["deny"] + seccomp.syscalls) }
        if seccomp.denyCloneNamespaces { add("seccomp", "denyclonens") }
    }

    /// The bootstrap for `berth-shim exec`: join the namespaces of `targetPID` and run argv there
    /// with the container's user, capabilities and seccomp profile.
    public static func forExec(id: String, config: ContainerConfig, targetPID: Int32, cgroupProcs: [String]) -> Bootstrap {
        var b = Bootstrap()
        b.add("id", id)
        b.add("targetpid", String(targetPID))
        for file in cgroupProcs { b.add("cgroupprocs", file) }
        b.addProcess(config: config)
        return b
    }

    /// The bootstrap for `berth-shim pause`: the pod's shared PID namespace and its init, which
    /// joins the pod's net/ipc/uts namespaces; the PID namespace is pinned in `pinDirectory`.
    public static func forPause(id: String, stateDirectory: String, namespaces: SandboxNamespaces,
                                pinDirectory: String) -> Bootstrap {
        var b = Bootstrap()
        b.add("id", id)
        b.add("statedir", stateDirectory)
        b.add("netns", namespaces.net)
        b.add("ipcns", namespaces.ipc)
        b.add("utsns", namespaces.uts)
        b.add("pindir", pinDirectory)
        return b
    }

    /// The bootstrap for `berth-shim pin`.
    public static func forPin(id: String, hostname: String, pinDirectory: String) -> Bootstrap {
        var b = Bootstrap()
        b.add("id", id)
        b.add("hostname", hostname)
        b.add("pindir", pinDirectory)
        return b
    }
}

/// The pinned namespace files of a pod sandbox.
public struct SandboxNamespaces: Codable, Sendable, Equatable {
    public var net: String
    public var ipc: String
    public var uts: String
    /// The pod's shared PID namespace (pinned by the pause process), nil when each container
    /// gets its own.
    public var pid: String?
    public init(pinDirectory: String, sharesPID: Bool = false) {
        net = pinDirectory + "/net"
        ipc = pinDirectory + "/ipc"
        uts = pinDirectory + "/uts"
        pid = sharesPID ? pinDirectory + "/pid" : nil
    }
}
