import BerthAPI
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdWSClient
import HummingbirdWebSocket
import Logging
import NIOCore

/// `pods/x/exec` over WebSocket (`v5.channel.k8s.io`): kubectl's upgrade is accepted here (the
/// subprotocol echoed, which kubectl requires) and every message is relayed 1:1 to and from a
/// WebSocket connection to the node agent's `/exec/{ns}/{pod}/{container}`, which speaks the same
/// channel protocol. When the pod has no node or the upgrade cannot be proxied, the request is
/// not upgraded and the HTTP route answers with a Status.
struct ExecProxy: Sendable {
    let server: APIServer

    static let subprotocol = "v5.channel.k8s.io"
    static let forwardedParameters = ["command", "stdin", "stdout", "stderr", "tty"]

    struct Target: Sendable {
        var endpoint: NodeEndpoint
        var namespace: String
        var pod: String
        var container: String
    }

    func resolve(namespace: String, pod name: String, query: Query) async throws -> Target {
        let pod = try await server.store.get(.pods, namespace: namespace, name: name)
        let container = try PodContainer.choose(pod, requested: query["container"])
        if (query.multi["command"] ?? []).isEmpty {
            throw APIError.badRequest("you must specify at least 1 command")
        }
        let endpoint = try await NodeEndpoint.resolve(server.store, pod: pod)
        return Target(endpoint: endpoint, namespace: namespace, pod: name, container: container)
    }

    func agentURL(_ target: Target, query: Query) -> String {
        var parameters: [(String, String)] = []
        for key in Self.forwardedParameters {
            for value in query.multi[key] ?? [] { parameters.append((key, value)) }
        }
        return target.endpoint.url(scheme: "ws", path: "/exec/\(target.namespace)/\(target.pod)/\(target.container)",
                                   query: parameters)
    }

    func addRoutes(to router: Router<APIRequestContext>) {
        let logger = server.logger
        let path = RouterPath("/api/v1/namespaces/:namespace/pods/:name/exec")
        router.ws(path) { request, context in
            let offered = request.headers[values: .secWebSocketProtocol]
                .flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
            guard offered.contains(Self.subprotocol),
                  let namespace = context.parameters.get("namespace"), let name = context.parameters.get("name"),
                  (try? await resolve(namespace: namespace, pod: name, query: Query(request))) != nil
            else { return .dontUpgrade }
            return .upgrade([.secWebSocketProtocol: Self.subprotocol])
        } onUpgrade: { inbound, outbound, context in
            let query = Query(context.request)
            guard let namespace = context.requestContext.parameters.get("namespace"),
                  let name = context.requestContext.parameters.get("name")
            else { return }
            do {
                let target = try await resolve(namespace: namespace, pod: name, query: query)
                try await relay(inbound: inbound, outbound: outbound, url: agentURL(target, query: query), logger: logger)
            } catch {
                logger.warning("exec proxy failed", metadata: ["pod": "\(namespace)/\(name)", "error": "\(error)"])
                try? await Self.writeFailure(outbound, message: "unable to reach the node agent: \(error)")
            }
        }
    }

    /// Relays messages both ways until either side closes.
    private func relay(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, url: String, logger: Logger) async throws {
        let configuration = WebSocketClientConfiguration(
            maxFrameSize: 1 << 20, additionalHeaders: [.secWebSocketProtocol: Self.subprotocol])
        try await WebSocketClient.connect(url: url, configuration: configuration, logger: logger) { agentInbound, agentOutbound, _ in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    // kubectl → agent: stdin (channel 0), resize (4), close (255).
                    for try await message in inbound.messages(maxSize: 1 << 24) {
                        try await agentOutbound.write(Self.frame(message))
                    }
                }
                group.addTask {
                    // agent → kubectl: stdout, stderr, then the status on channel 3.
                    for try await message in agentInbound.messages(maxSize: 1 << 24) {
                        try await outbound.write(Self.frame(message))
                    }
                }
                // When the agent is done (the command exited), the session is over.
                _ = try await group.next()
                group.cancelAll()
            }
        }
    }

    private static func frame(_ message: WebSocketMessage) -> WebSocketOutboundWriter.OutboundFrame {
        switch message {
        case .binary(let buffer): return .binary(buffer)
        case .text(let text): return .text(text)
        }
    }

    /// A v5 error-channel (3) Status, which kubectl prints as the command's failure.
    static func writeFailure(_ outbound: WebSocketOutboundWriter, message: String) async throws {
        let status: JSONValue = .object(["metadata": .object([:]), "status": "Failure", "reason": "InternalError",
                                         "message": .string(message)])
        var buffer = ByteBuffer(bytes: [3])
        buffer.writeBytes(encodeJSON(status))
        try await outbound.write(.binary(buffer))
    }
}
