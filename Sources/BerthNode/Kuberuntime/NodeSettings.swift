import BerthRuntime

/// How this node turns pods into containers; the defaults are the kubelet's unless noted.
public struct NodeSettings: Sendable {
    public var paths: BerthPaths
    /// The seccomp profile of a container that asks for none. The kubelet's `--seccomp-default`
    /// makes it RuntimeDefault; Berth turns that on by default.
    public var defaultSeccomp: SeccompMode = .runtimeDefault
    /// The pids limit of each pod and container cgroup (the kubelet's `--pod-max-pids`).
    public var podPidsLimit: Int64? = 4096
    /// Nameservers, search domains and options of the pods' /etc/resolv.conf.
    public var resolvConf: String = "nameserver 127.0.0.53\noptions ndots:5\n"
    public var restartBackOff: BackOff = BackOff()

    public init(paths: BerthPaths) { self.paths = paths }
}
