import BerthAPI
@testable import BerthControlPlane
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

/// Drives an `APIServer` on a fresh MemoryBackend through HummingbirdTesting's router framework.
struct APITestClient: Sendable {
    let client: any TestClientProtocol
    let server: APIServer

    struct Reply: Sendable {
        var status: HTTPResponse.Status
        var headers: HTTPFields
        var text: String
        var json: JSONValue { (try? JSONValue(parsingJSON: Data(text.utf8))) ?? .null }
        var contentType: String { headers[.contentType] ?? "" }
        /// The watch frames of a streamed body, one JSON document per line.
        var frames: [JSONValue] {
            text.split(separator: "\n").compactMap { try? JSONValue(parsingJSON: Data($0.utf8)) }
        }
    }

    @discardableResult
    func request(_ method: HTTPRequest.Method, _ uri: String, body: JSONValue? = nil, rawBody: String? = nil,
                 contentType: String = "application/json", accept: String? = nil) async throws -> Reply {
        var headers: HTTPFields = [:]
        var buffer: ByteBuffer?
        if let body {
            buffer = ByteBuffer(bytes: encodeJSON(body))
        } else if let rawBody {
            buffer = ByteBuffer(string: rawBody)
        }
        if buffer != nil { headers[.contentType] = contentType }
        if let accept { headers[.accept] = accept }
        let response = try await client.execute(uri: uri, method: method, headers: headers, body: buffer)
        return Reply(status: response.status, headers: response.headers,
                     text: String(buffer: response.body))
    }

    @discardableResult func get(_ uri: String, accept: String? = nil) async throws -> Reply { try await request(.get, uri, accept: accept) }
    @discardableResult func post(_ uri: String, _ body: JSONValue) async throws -> Reply { try await request(.post, uri, body: body) }
    @discardableResult func put(_ uri: String, _ body: JSONValue) async throws -> Reply { try await request(.put, uri, body: body) }
    @discardableResult func delete(_ uri: String, _ body: JSONValue? = nil) async throws -> Reply { try await request(.delete, uri, body: body) }
    @discardableResult func patch(_ uri: String, _ body: JSONValue, type: String) async throws -> Reply {
        try await request(.patch, uri, body: body, contentType: type)
    }
}

/// Runs `body` against a bootstrapped server (namespaces default, kube-system...).
func withAPIServer(historyWindow: Int = 10_000,
                   _ body: @Sendable (APITestClient) async throws -> Void) async throws {
    let server = APIServer(backend: MemoryBackend(historyWindow: historyWindow), logger: Logger(label: "test.apiserver"))
    try await server.bootstrap()
    let app = Application(router: server.buildRouter())
    try await app.test(.router) { client in
        try await body(APITestClient(client: client, server: server))
    }
}

enum Fixtures {
    static func pod(_ name: String, namespace: String? = nil, labels: [String: String] = [:], nodeName: String? = nil,
                    containers: [(String, String)] = [("app", "busybox:1.36")]) -> JSONValue {
        var metadata: [String: JSONValue] = ["name": .string(name)]
        if let namespace { metadata["namespace"] = .string(namespace) }
        if !labels.isEmpty { metadata["labels"] = .object(labels.mapValues(JSONValue.string)) }
        var spec: [String: JSONValue] = [
            "containers": .array(containers.map { .object(["name": .string($0.0), "image": .string($0.1)]) }),
        ]
        if let nodeName { spec["nodeName"] = .string(nodeName) }
        return .object(["apiVersion": "v1", "kind": "Pod", "metadata": .object(metadata), "spec": .object(spec)])
    }

    static func configMap(_ name: String, data: [String: String] = ["k": "v"]) -> JSONValue {
        .object(["apiVersion": "v1", "kind": "ConfigMap", "metadata": .object(["name": .string(name)]),
                 "data": .object(data.mapValues(JSONValue.string))])
    }

    static func node(_ name: String, address: String = "127.0.0.1", port: Int64 = 1) -> JSONValue {
        .object([
            "apiVersion": "v1", "kind": "Node", "metadata": .object(["name": .string(name)]),
            "status": .object([
                "addresses": .array([.object(["type": "InternalIP", "address": .string(address)])]),
                "daemonEndpoints": .object(["kubeletEndpoint": .object(["Port": .int(port)])]),
            ]),
        ])
    }

    static let tableAccept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"
    static let discoveryAccept = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json"
}
