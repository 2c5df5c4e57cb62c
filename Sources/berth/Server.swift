import ArgumentParser
import BerthControlPlane
import BerthRuntime
import Foundation
import Logging
import ServiceLifecycle

struct Server: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The control plane: the Kubernetes API on an embedded SQLite store, with the scheduler.")

    @OptionGroup var node: NodeOptions

    @Option(help: "Address to serve the Kubernetes API on (HOST:PORT; port 0 picks a free one).")
    var listen: ListenAddress = ListenAddress(host: "127.0.0.1", port: 6443)

    func run() async throws {
        let logger = node.makeLogger("berth.server")
        let paths = BerthPaths(root: node.root)
        let controlPlane = ControlPlane(dataDirectory: paths.dataDirectory, host: listen.host, port: listen.port, logger: logger)
        let services = try await controlPlane.services { port in
            FileHandle.standardOutput.write(Data("berth server: serving the Kubernetes API on http://\(listen.dialHost):\(port)\n".utf8))
        }
        let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint],
                                                      logger: logger))
        try await group.run()
    }
}
