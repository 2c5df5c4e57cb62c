import ArgumentParser
import BerthClient
import Logging

/// Flags of the control plane that `berth server` and `berth up` share.
struct ControlPlaneOptions: ParsableArguments {
    @Option(help: "Address to serve the Kubernetes API on (HOST:PORT; port 0 picks a free one).")
    var listen: ListenAddress = ListenAddress(host: "127.0.0.1", port: 6443)

    @Option(help: ArgumentHelp(
        "How many recent revisions a watch can resume from; a watch from an older resourceVersion gets 410 Expired.",
        discussion: "Kubernetes keeps about 5 minutes of history in etcd; Berth keeps a number of revisions."))
    var historyWindow: Int = 10_000

    func validate() throws {
        guard historyWindow >= 1 else { throw ValidationError("--history-window must be at least 1") }
    }
}

extension ControlPlaneOptions {
    /// Writes the kubeconfig for the served API; a failure is logged, the server runs on.
    static func writeKubeconfig(server: String, path: String, logger: Logger) {
        do {
            try Kubeconfig.write(server: server, path: path)
        } catch {
            logger.error("kubeconfig not written", metadata: ["path": "\(path)", "error": "\(error)"])
        }
    }
}
