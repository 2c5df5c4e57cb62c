import ArgumentParser
import Foundation

struct ClusterBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster",
        abstract: "From the API POST of a 2-container pod to its Ready condition, with `berth server` and `berth agent`.",
        discussion: """
            Starts `berth server` and `berth agent --server URL` as separate processes (the built \
            binaries beside this one, or --bin-dir) with everything under a temp dir and the pods' \
            cgroups under berth-bench-<random>, then: (1) one by one, POSTs a pod and waits until \
            a watch opened beforehand delivers its Ready=True condition, --pods times; reads the \
            server's and the agent's memory with those pods running; deletes them; (2) at once, \
            POSTs --pods pods concurrently and times each one the same way; reads memory again; \
            deletes them. Then stops both processes and checks that no sandbox, mount or cgroup is \
            left. Latency is POST sent → Ready seen on the watch, so it includes the scheduler, the \
            agent, the status update and the watch fan-out. Everything is removed at the end, on \
            failure and on Ctrl-C. Needs root.
            """)

    @Option(help: "Pods per scenario.")
    var pods = 100

    @Option(help: "Pods created, waited for and deleted before the one-by-one batch (not measured).")
    var warmups = 3

    @Option(help: "The pod: plain (two containers running `sleep 3600`) or sidecar (a native sidecar and an app container).")
    var pod = "plain"

    @Flag(help: "Skip the one-by-one batch.")
    var skipOneByOne = false

    @Flag(help: "Skip the at-once batch.")
    var skipAtOnce = false

    @Flag(help: "Skip the floor: the same pods started straight through an in-process LinuxRuntime, without API or agent.")
    var skipFloor = false

    @Option(help: "Directory of the `berth` and `berth-shim` binaries (default: beside this executable).")
    var binDir: String?

    @Option(help: "The busybox root filesystem the pods' image `busybox` resolves to.")
    var rootfs = "rootfs/busybox"

    @Option(help: "Seconds a pod may take to become Ready before the benchmark gives up.")
    var readyTimeout: Double = 60

    @Option(help: "Log level of the server and the agent (their logs go to the temp dir).")
    var logLevel = "warning"

    @Option(name: .customLong("env"), help: "KEY=VALUE added to the environment of the server and the agent (repeatable), e.g. MALLOC_ARENA_MAX=2.")
    var processEnvironment: [String] = []

    @Option(help: "The podman executable for the peer measurement (`podman kube play`), if installed.")
    var podman = "podman"

    @Option(help: "Runs of `podman kube play` for the peer figure (0: none).")
    var podmanRuns = 5

    func validate() throws {
        guard pods >= 1 else { throw ValidationError("--pods must be at least 1") }
        guard warmups >= 0, podmanRuns >= 0 else { throw ValidationError("--warmups and --podman-runs must not be negative") }
        guard ["plain", "sidecar"].contains(pod) else { throw ValidationError("--pod must be plain or sidecar") }
        guard !(skipOneByOne && skipAtOnce) else { throw ValidationError("nothing to measure: both batches skipped") }
        guard readyTimeout > 0 else { throw ValidationError("--ready-timeout must be positive") }
        for entry in processEnvironment where !entry.contains("=") {
            throw ValidationError("--env takes KEY=VALUE (got \"\(entry)\")")
        }
    }

    func run() async throws {
        let interruption = Interruption()
        interruption.install()
        try await measureAndReport(try ClusterBench.prepare(options: self, interruption: interruption))
    }

    /// The pod's manifest as JSON, named `name` and labelled with the run's tag.
    func manifest(name: String, tag: String) -> String {
        let labels = #""labels": {"berth-bench": "\#(tag)"}"#
        let sleep = #""image": "busybox", "command": ["sleep", "3600"]"#
        let spec: String
        switch pod {
        case "sidecar":
            spec = #""initContainers": [{"name": "sidecar", \#(sleep), "restartPolicy": "Always"}], "containers": [{"name": "app", \#(sleep)}]"#
        default:
            spec = #""containers": [{"name": "c1", \#(sleep)}, {"name": "c2", \#(sleep)}]"#
        }
        return #"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "\#(name)", \#(labels)}, "spec": {\#(spec)}}"#
    }
}
