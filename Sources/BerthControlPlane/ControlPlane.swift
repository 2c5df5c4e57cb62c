import BerthAPI
import BerthClient
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// The control plane as one set of services: the API server on an embedded SQLite store, and
/// the scheduler, which talks to the API server over loopback like any other client.
public struct ControlPlane: Sendable {
    public var dataDirectory: String
    public var host: String
    public var port: Int
    /// How many recent revisions a watch can replay; a watch from an older one gets 410 Expired.
    public var historyWindow: Int
    public var logger: Logger

    public init(dataDirectory: String, host: String, port: Int, historyWindow: Int = 10_000, logger: Logger) {
        self.dataDirectory = dataDirectory
        self.host = host
        self.port = port
        self.historyWindow = historyWindow
        self.logger = logger
    }

    public var databasePath: String { dataDirectory + "/state.db" }

    /// Opens the store and creates the initial namespaces, then returns the services to run.
    /// `onServing` is called with the bound port once the API server listens.
    public func services(onServing: @escaping @Sendable (Int) async -> Void = { _ in }) async throws -> [any Service] {
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        let backend = try SQLiteBackend(path: databasePath, historyWindow: historyWindow)
        let server = APIServer(backend: backend, logger: logger)
        try await server.bootstrap()
        let started = SchedulerService(logger: logger)
        let host = self.host
        let application = server.makeApplication(host: host, port: port) { port in
            started.serve(baseURL: "http://\(host == "0.0.0.0" ? "127.0.0.1" : host):\(port)")
            await onServing(port)
        }
        return [application, started]
    }
}

/// Runs the scheduler once the API server's address is known.
final class SchedulerService: Service, @unchecked Sendable {
    private let logger: Logger
    private let lock = NSLock()
    private var baseURL: String?
    private var waiter: CheckedContinuation<String?, Never>?

    init(logger: Logger) { self.logger = logger }

    func serve(baseURL: String) {
        let waiting = lock.withLock { () -> CheckedContinuation<String?, Never>? in
            self.baseURL = baseURL
            defer { waiter = nil }
            return waiter
        }
        waiting?.resume(returning: baseURL)
    }

    private func address() async -> String? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<String?, Never>) in
                let ready: String? = lock.withLock {
                    if let baseURL { return baseURL }
                    waiter = continuation
                    return nil
                }
                if let ready { continuation.resume(returning: ready) }
            }
        } onCancel: {
            let waiting = lock.withLock { () -> CheckedContinuation<String?, Never>? in
                defer { waiter = nil }
                return waiter
            }
            waiting?.resume(returning: nil)
        }
    }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            guard let baseURL = await self.address() else { return }
            let client = KubeClient(baseURL: baseURL, logger: self.logger)
            let scheduler = Scheduler(api: client, logger: self.logger)
            await scheduler.run()
            await client.shutdown()
        }
    }
}
