import BerthRuntime

/// How this node turns pods into containers; the defaults are the kubelet's unless noted.
public struct NodeSettings: Sendable {
    public var paths: BerthPaths
    /// The seccomp profile of a container that asks for none. The kubelet's `--seccomp-default`
    /// makes it RuntimeDefault; Berth turns that on by default.
    public var defaultSeccomp: SeccompMode = .runtimeDefault
    /// The pids limit of each pod and container cgroup (the kubelet's `--pod-max-pids`).
    public var podPidsLimit: Int64? = 4096
    /// The pods' /etc/resolv.conf. Without cluster DNS, ClusterFirst falls back to the host's
    /// resolv.conf minus loopback nameservers, as the kubelet does.
    public var resolvConf: String = SandboxFiles.resolvConf(DNSConfig.hostDefault(
        hostResolvConf: (try? String(contentsOfFile: "/etc/resolv.conf", encoding: .utf8)) ?? ""))
    public var restartBackOff: BackOff = BackOff()

    public init(paths: BerthPaths) { self.paths = paths }
}
