import ArgumentParser
import BerthControlPlane
import BerthRuntime
import Foundation
import Logging
import ServiceLifecycle

struct Server: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The control plane: the Kubernetes API on an embedded SQLite store, with the scheduler.",
        discussion: "Writes a kubeconfig to <data dir>/kubeconfig, so that kubectl works after `export KUBECONFIG=...`.")

    @OptionGroup var node: NodeOptions

    @OptionGroup var controlPlaneOptions: ControlPlaneOptions

    func run() async throws {
        let logger = node.makeLogger("berth.server")
        let trimmer = Task { await MemoryTrim.run() }
        defer { trimmer.cancel() }
        let paths = BerthPaths(root: node.root)
        let listen = controlPlaneOptions.listen
        let controlPlane = ControlPlane(dataDirectory: paths.dataDirectory, host: listen.host, port: listen.port,
                                        historyWindow: controlPlaneOptions.historyWindow, logger: logger)
        let kubeconfig = paths.dataDirectory + "/kubeconfig"
        let services = try await controlPlane.services { port in
            let server = "http://\(listen.dialHost):\(port)"
            ControlPlaneOptions.writeKubeconfig(server: server, path: kubeconfig, logger: logger)
            FileHandle.standardOutput.write(Data(
                "berth server: serving the Kubernetes API on \(server)\nexport KUBECONFIG=\(kubeconfig)\n".utf8))
        }
        let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint],
                                                      logger: logger))
        try await group.run()
    }
}
