import AsyncHTTPClient
import BerthAPI
import Foundation
import Hummingbird
import Logging
import NIOCore

/// Where a pod's node agent listens: the Node's InternalIP (else its first address) and
/// `status.daemonEndpoints.kubeletEndpoint.Port`, as the kube-apiserver finds the kubelet.
struct NodeEndpoint: Sendable {
    var host: String
    var port: Int

    static func resolve(_ store: ObjectStore, pod: JSONValue) async throws(APIError) -> NodeEndpoint {
        guard let nodeName = pod["spec"]?["nodeName"]?.stringValue, !nodeName.isEmpty else {
            throw APIError.badRequest("pod \(pod.name) does not have a host assigned")
        }
        let node = try await store.get(.nodes, namespace: nil, name: nodeName)
        let addresses = node["status"]?["addresses"]?.arrayValue ?? []
        let preferred = addresses.first { $0["type"]?.stringValue == "InternalIP" } ?? addresses.first
        guard let host = preferred?["address"]?.stringValue, !host.isEmpty else {
            throw APIError.badRequest("node \(nodeName) has no address")
        }
        guard let port = node["status"]?["daemonEndpoints"]?["kubeletEndpoint"]?["Port"]?.intValue, port > 0 else {
            throw APIError.badRequest("node \(nodeName) publishes no agent endpoint (status.daemonEndpoints.kubeletEndpoint.Port)")
        }
        return NodeEndpoint(host: host, port: Int(port))
    }

    func url(scheme: String, path: String, query: [(String, String)]) -> String {
        let hostPart = host.contains(":") ? "[\(host)]" : host
        var components = URLComponents()
        components.queryItems = query.map { URLQueryItem(name: $0.0, value: $0.1) }
        let queryString = components.percentEncodedQuery.map { "?" + $0 } ?? ""
        return "\(scheme)://\(hostPart):\(port)\(path)\(queryString)"
    }
}

/// The container a log or exec request is about: the named one, or the only one, as the
/// kube-apiserver chooses (kubectl normally names it).
enum PodContainer {
    static func choose(_ pod: JSONValue, requested: String?) throws(APIError) -> String {
        let containers = (pod["spec"]?["containers"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
        let initContainers = (pod["spec"]?["initContainers"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
        if let requested, !requested.isEmpty {
            guard containers.contains(requested) || initContainers.contains(requested) else {
                throw APIError.badRequest("container \(requested) is not valid for pod \(pod.name)")
            }
            return requested
        }
        if containers.count == 1, let only = containers.first { return only }
        var message = "a container name must be specified for pod \(pod.name), choose one of: [\(containers.joined(separator: " "))]"
        if !initContainers.isEmpty { message += " or one of the init containers: [\(initContainers.joined(separator: " "))]" }
        throw APIError.badRequest(message)
    }
}

/// `GET pods/x/log`: streamed from the agent's `/containerLogs/{ns}/{pod}/{container}`.
struct PodLogProxy: Sendable {
    let server: APIServer

    static let forwardedParameters = ["follow", "previous", "tailLines", "sinceSeconds", "sinceTime", "timestamps", "limitBytes"]

    func logs(namespace: String, pod name: String, query: Query) async throws -> Response {
        let pod = try await server.store.get(.pods, namespace: namespace, name: name)
        let container = try PodContainer.choose(pod, requested: query["container"])
        let endpoint = try await NodeEndpoint.resolve(server.store, pod: pod)
        let parameters = Self.forwardedParameters.compactMap { key in query[key].map { (key, $0) } }
        let url = endpoint.url(scheme: "http", path: "/containerLogs/\(namespace)/\(name)/\(container)", query: parameters)

        let request = HTTPClientRequest(url: url)
        let response: HTTPClientResponse
        do {
            // Following a log has no end; the deadline only bounds a stuck agent otherwise.
            let timeout: TimeAmount = query.bool("follow") ? .hours(24 * 365) : .minutes(5)
            response = try await HTTPClient.shared.execute(request, timeout: timeout)
        } catch {
            throw APIError.serviceUnavailable("unable to reach the node agent at \(endpoint.host):\(endpoint.port): \(error)")
        }
        guard response.status == .ok else {
            let body = (try? await response.body.collect(upTo: 64 * 1024)).map { String(buffer: $0) } ?? ""
            let message = body.trimmingCharacters(in: .whitespacesAndNewlines)
            throw APIError(code: Int(response.status.code), reason: Self.reason(response.status.code),
                           message: message.isEmpty ? "the node agent answered \(response.status.code)" : message)
        }
        let body = response.body
        return Response(status: .ok, headers: [.contentType: "text/plain"],
                        body: ResponseBody { writer in
                            for try await chunk in body { try await writer.write(chunk) }
                            try await writer.finish(nil)
                        })
    }

    static func reason(_ code: UInt) -> String {
        switch code {
        case 400: return "BadRequest"
        case 404: return "NotFound"
        default: return "InternalError"
        }
    }
}
