import BerthAPI
import BerthRuntime
import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging

/// The node agent's own HTTP endpoint, as the kubelet's :10250: the API server reaches a
/// node's logs and exec through it (the Node publishes its address and port).
///
/// - `GET /healthz` → `ok`
/// - `GET /containerLogs/{namespace}/{pod}/{container}?follow=&previous=&tailLines=&sinceSeconds=&sinceTime=&timestamps=&limitBytes=`
///   → `200 text/plain`, streamed (chunked) while following.
/// - `GET /exec/{namespace}/{pod}/{container}?command=..&stdin=&stdout=&stderr=&tty=` → WebSocket
///   upgrade with the subprotocol `v5.channel.k8s.io` (or `v4.channel.k8s.io`) echoed.
///
/// Errors are Kubernetes `Status` objects. A WebSocket request that cannot run (no such pod,
/// container not running) is still upgraded and gets its `Status` on channel 3: Hummingbird
/// answers a refused upgrade with an empty 400, and kubectl reads the channel-3 Status as the
/// error (`error: pods "x" not found`). A plain GET of /exec gets the Status as HTTP.
public struct AgentEndpoint: Sendable {
    public typealias Context = BasicWebSocketRequestContext

    let store: PodStore
    let runtime: any ContainerRuntime
    let paths: BerthPaths
    let logger: Logger
    /// How often a followed log is polled for new lines.
    var logPollInterval: Duration = .milliseconds(50)
    /// How long output is still read after the command exited (a background child may keep
    /// the pipes open forever).
    var drainTimeout: Duration = .seconds(2)

    public init(store: PodStore, runtime: any ContainerRuntime, paths: BerthPaths, logger: Logger) {
        self.store = store
        self.runtime = runtime
        self.paths = paths
        self.logger = logger
    }

    /// The server, listening on `host:port` (port 0: any free port); `onListening` gets the
    /// bound port once it accepts connections.
    public func makeApplication(
        host: String, port: Int, onListening: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        // A write to a pipe whose reader is gone must fail with EPIPE, not kill the agent.
        // The shim resets every signal to default before running a workload.
        signal(SIGPIPE, SIG_IGN)
        return AgentApplication(
            responder: router().buildResponder(),
            server: .http1WebSocketUpgrade(
                webSocketRouter: webSocketRouter(),
                configuration: .init(ws: .init(maxFrameSize: 1 << 20, autoPing: .enabled(timePeriod: .seconds(30))))),
            configuration: .init(address: .hostname(host, port: port), serverName: nil),
            logger: logger,
            onRunning: { channel in await onListening(channel.localAddress?.port ?? port) })
    }

    /// Serves until the task is cancelled. No signal handlers: a process that wants graceful
    /// shutdown on SIGTERM runs `makeApplication` in its own ServiceGroup.
    public func run(host: String, port: Int, onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        try await makeApplication(host: host, port: port, onListening: onListening).runService(gracefulShutdownSignals: [])
    }

    /// The plain HTTP routes (everything but the upgrade itself).
    public func router() -> Router<Context> {
        let router = Router(context: Context.self)
        router.get("/healthz") { _, _ in "ok" }
        router.get("/containerLogs/:namespace/:pod/:container") { request, context in
            await logs(request: request, namespace: context.parameters.get("namespace") ?? "",
                       pod: context.parameters.get("pod") ?? "", container: context.parameters.get("container") ?? "")
        }
        router.get("/exec/:namespace/:pod/:container") { request, context in
            // Reached without an upgrade (or after a refused one): the same checks, as HTTP.
            do throws(EndpointFailure) {
                _ = try prepareExec(request: request, namespace: context.parameters.get("namespace") ?? "",
                                    pod: context.parameters.get("pod") ?? "", container: context.parameters.get("container") ?? "")
                return Self.response(.badRequest("Upgrade request required"))
            } catch {
                return Self.response(error.status)
            }
        }
        return router
    }

    /// The routes that upgrade to a WebSocket.
    public func webSocketRouter() -> Router<Context> {
        let router = Router(context: Context.self)
        addExecRoute(to: router, path: "/exec/:namespace/:pod/:container") { request, context in
            (context.parameters.get("namespace") ?? "", context.parameters.get("pod") ?? "",
             context.parameters.get("container") ?? "")
        }
        return router
    }

    /// Adds a WebSocket exec route at `path`; `locate` names the container from the request.
    func addExecRoute(
        to router: Router<Context>, path: RouterPath,
        locate: @escaping @Sendable (Request, Context) -> (namespace: String, pod: String, container: String)
    ) {
        router.ws(path) { request, context in
            let offered = request.headers[values: .secWebSocketProtocol]
            guard let chosen = RemoteCommandProtocol.negotiate(offered: offered) else { return .upgrade([:]) }
            return .upgrade([.secWebSocketProtocol: chosen.rawValue])
        } onUpgrade: { inbound, outbound, context in
            let request = context.request
            let protocolVersion = RemoteCommandProtocol.negotiate(offered: request.headers[values: .secWebSocketProtocol])
            let (namespace, pod, container) = locate(request, context.requestContext)
            let writer = FrameWriter(outbound: outbound)
            let prepared: (containerID: String, options: ExecOptions)
            do throws(EndpointFailure) {
                prepared = try prepareExec(request: request, namespace: namespace, pod: pod, container: container)
            } catch {
                logger.info("exec refused", metadata: ["pod": "\(namespace)/\(pod)", "container": "\(container)",
                                                       "error": "\(error)"])
                try? await writer.write(error.status.frame())
                return
            }
            await runExec(containerID: prepared.containerID, options: prepared.options, protocolVersion: protocolVersion,
                          inbound: inbound, writer: writer,
                          logger: logger.adding(["pod": "\(namespace)/\(pod)", "container": "\(container)"]))
        }
    }

    func prepareExec(request: Request, namespace: String, pod: String, container: String)
        throws(EndpointFailure) -> (containerID: String, options: ExecOptions) {
        let target = try EndpointTarget.resolve(store: store, namespace: namespace, pod: pod, container: container)
        let query = FormQuery(request.uri.query)
        let options = try ExecOptions { query.all($0) }
        return (try target.runningContainerID(), options)
    }

    /// A `Status` as an HTTP response (JSON, with its code).
    static func response(_ status: EndpointStatus) -> Response {
        Response(status: .init(code: status.code ?? 500),
                 headers: [.contentType: "application/json"],
                 body: .init(byteBuffer: ByteBuffer(bytes: status.encoded())))
    }
}

extension Logger {
    func adding(_ metadata: Logger.Metadata) -> Logger {
        var copy = self
        for (key, value) in metadata { copy[metadataKey: key] = value }
        return copy
    }
}
