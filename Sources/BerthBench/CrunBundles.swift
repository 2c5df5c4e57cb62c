import BerthRuntime
import Foundation

/// The OCI bundles of the crun peer: `crun spec`, then adjusted so that crun does the same
/// work as Berth for the same container (see `adjust`).
struct CrunBundles {
    var crun: String
    var directory: String
    var rootfs: String
    /// The cgroupsPath prefix of every crun container (absolute: crun's cgroupfs driver puts
    /// a relative path at the hierarchy roots).
    var cgroupBase: String
    var netnsName: String
    var logFD: Int32
    var logPath: String

    static let trueBundle = "true"
    static let rssBundle = "rss"
    static let podBundles = ["pod-c1", "pod-c2"]

    /// Berth's masked and read-only paths (BerthRuntime's ContainerFilesystem).
    static let maskedPaths = [
        "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
        "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
        "/sys/firmware", "/sys/devices/virtual/powercap",
    ]
    static let readonlyPaths = ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]

    func create(trueArgv: [String], podArgv: [String]) throws(BenchError) {
        try make(name: Self.trueBundle, argv: trueArgv, cgroup: cgroupBase + "/true", netns: nil)
        try make(name: Self.rssBundle, argv: ["sleep", "0.5"], cgroup: cgroupBase + "/rss", netns: nil)
        for (index, name) in Self.podBundles.enumerated() {
            try make(name: name, argv: podArgv, cgroup: cgroupBase + "/pod/c\(index + 1)",
                     netns: "/var/run/netns/" + netnsName)
        }
    }

    private func make(name: String, argv: [String], cgroup: String, netns: String?) throws(BenchError) {
        let bundle = directory + "/" + name
        guard mkdir(bundle, 0o755) == 0 || errno == EEXIST else {
            throw .system(operation: "mkdir", path: bundle, errno: errno)
        }
        try Spawn.run([crun, "spec", "-b", bundle], logFD: logFD, logPath: logPath)
        let path = bundle + "/config.json"
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            guard var spec = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw BenchError.peer("crun spec wrote no JSON object to \(path)")
            }
            adjust(&spec, argv: argv, cgroup: cgroup, netns: netns)
            let out = try JSONSerialization.data(withJSONObject: spec, options: [.prettyPrinted, .sortedKeys])
            try out.write(to: URL(fileURLWithPath: path))
        } catch let error as BenchError {
            throw error
        } catch {
            throw .peer("cannot rewrite \(path): \(error)")
        }
    }

    /// What Berth gives a container, in OCI terms: the same rootfs (read-write, as Berth's
    /// overlay is), the same capabilities, seccomp deny list, masked and read-only paths,
    /// kernel mounts (no /sys/fs/cgroup: Berth mounts none), pids limit, new pid, ipc, uts,
    /// mount and cgroup namespaces, no network namespace of its own (the pod scenario joins
    /// one by path). rlimits are left as `crun spec` has them but never above the current
    /// hard limit (root here lacks CAP_SYS_RESOURCE).
    private func adjust(_ spec: inout [String: Any], argv: [String], cgroup: String, netns: String?) {
        spec["root"] = ["path": rootfs, "readonly": false]
        spec["hostname"] = "bench"
        var process = spec["process"] as? [String: Any] ?? [:]
        process["terminal"] = false
        process["args"] = argv
        process["env"] = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOSTNAME=bench"]
        process["cwd"] = "/"
        process["noNewPrivileges"] = false
        let caps = LinuxCapabilities.defaultSet.map { "CAP_" + LinuxCapabilities.normalize($0) }
        process["capabilities"] = ["bounding": caps, "effective": caps, "permitted": caps,
                                   "inheritable": [String](), "ambient": [String]()]
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        let nofile = min(UInt64(1024), UInt64(limit.rlim_max))
        process["rlimits"] = [["type": "RLIMIT_NOFILE", "hard": nofile, "soft": nofile]]
        spec["process"] = process

        spec["mounts"] = [
            ["destination": "/proc", "type": "proc", "source": "proc", "options": ["nosuid", "noexec", "nodev"]],
            ["destination": "/dev", "type": "tmpfs", "source": "tmpfs",
             "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]],
            ["destination": "/dev/pts", "type": "devpts", "source": "devpts",
             "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]],
            ["destination": "/dev/shm", "type": "tmpfs", "source": "shm",
             "options": ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]],
            ["destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue", "options": ["nosuid", "noexec", "nodev"]],
            ["destination": "/sys", "type": "sysfs", "source": "sysfs", "options": ["nosuid", "noexec", "nodev", "ro"]],
        ] as [[String: Any]]

        var linux = spec["linux"] as? [String: Any] ?? [:]
        var namespaces: [[String: String]] = [["type": "pid"], ["type": "ipc"], ["type": "uts"],
                                              ["type": "mount"], ["type": "cgroup"]]
        if let netns { namespaces.append(["type": "network", "path": netns]) }
        linux["namespaces"] = namespaces
        linux["cgroupsPath"] = cgroup
        linux["resources"] = ["pids": ["limit": 4096]]
        linux["maskedPaths"] = Self.maskedPaths
        linux["readonlyPaths"] = Self.readonlyPaths
        linux["seccomp"] = Self.seccomp()
        spec["linux"] = linux
    }

    /// Berth's RuntimeDefault profile (SeccompDenyList with the default capabilities) as OCI
    /// seccomp: allow by default, the deny list EPERM, clone with CLONE_NEW* EPERM, clone3 ENOSYS.
    static func seccomp() -> [String: Any] {
        let deny = SeccompDenyList.denyList(capabilities: LinuxCapabilities.defaultSet, mode: .runtimeDefault)
        var rules: [[String: Any]] = [["names": deny.syscalls, "action": "SCMP_ACT_ERRNO", "errnoRet": 1]]
        if deny.denyCloneNamespaces {
            let flags = [0x0002_0000, 0x0200_0000, 0x0400_0000, 0x0800_0000, 0x1000_0000, 0x2000_0000, 0x4000_0000]
            for flag in flags {
                rules.append(["names": ["clone"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1,
                              "args": [["index": 0, "value": flag, "valueTwo": flag, "op": "SCMP_CMP_MASKED_EQ"]]])
            }
            rules.append(["names": ["clone3"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38])
        }
        var profile: [String: Any] = ["defaultAction": "SCMP_ACT_ALLOW", "syscalls": rules]
        var name = utsname()
        uname(&name)
        let machine = withUnsafeBytes(of: name.machine) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        if machine == "x86_64" { profile["architectures"] = ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"] }
        return profile
    }
}
