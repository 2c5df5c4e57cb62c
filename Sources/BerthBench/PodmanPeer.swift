import Foundation

/// The peer figure of the cluster benchmark: `podman kube play` of the same pod. Podman is not
/// part of Berth's test dependencies; when it is not installed the report quotes the figure
/// measured on this kind of machine (issue 3, /work/shared/facts.md), clearly marked as not
/// measured in this run.
struct PodmanPeer {
    let options: ClusterBenchmark

    /// `podman kube play` of a 2-container pod, measured 2026-11-27 on this kind of machine.
    static let reference = "582 ms [478–633]"

    func reference() -> PodmanReference {
        guard options.podmanRuns > 0 else { return PodmanReference(why: "--podman-runs 0") }
        guard let podman = Spawn.which(options.podman) else { return PodmanReference(why: "podman is not installed") }
        // Podman refuses this host's hybrid cgroup layout and, left to itself, would create
        // cgroups at the hierarchies' roots and a network in the root namespace; measuring it
        // without touching the host needs the private-namespace set-up `runtime` uses for crun.
        return PodmanReference(why: "\(podman) is installed, but its measurement is not implemented in this benchmark")
    }
}

/// The peer figure quoted in the report, and why it was not measured in the run.
struct PodmanReference: Sendable {
    let why: String

    func render() -> String {
        "podman kube play of such a pod: \(PodmanPeer.reference) — NOT measured in this run (\(why)); "
            + "the reference figure from issue 3, measured on this kind of machine. Kubernetes' SLO: p99 ≤ 5 s"
    }
}
