import AsyncHTTPClient
import BerthAPI
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// A client of the Kubernetes REST API (plain HTTP for now): JSON requests by
/// `(group, version, resource, namespace, name, subresource)`, errors decoded from the
/// server's `Status`, and watches as a stream of events. One shared `HTTPClient` serves every
/// request; call `shutdown()` once done.
public final class KubeClient: ClusterAPI, Sendable {
    public let baseURL: String
    let http: HTTPClient
    let logger: Logger
    let requestTimeout: TimeAmount

    /// - Parameters:
    ///   - baseURL: e.g. `http://127.0.0.1:6443` (a trailing slash is ignored).
    ///   - requestTimeout: the deadline of a request that is not a watch.
    ///   - maxConnections: connections kept to the server; each open watch holds one.
    public init(baseURL: String, logger: Logger = Logger(label: "berth.client"), requestTimeout: Duration = .seconds(30),
                maxConnections: Int = 32) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.logger = logger
        self.requestTimeout = .nanoseconds(Int64(requestTimeout.components.seconds) * 1_000_000_000
            + requestTimeout.components.attoseconds / 1_000_000_000)
        var configuration = HTTPClient.Configuration(
            timeout: HTTPClient.Configuration.Timeout(connect: .seconds(5)),
            connectionPool: HTTPClient.Configuration.ConnectionPool(
                idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: maxConnections))
        configuration.httpVersion = .http1Only
        self.http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Closes every connection, ending open watches. Call once, when done with the client.
    public func shutdown() async {
        do { try await http.shutdown() } catch {
            logger.debug("http client shutdown", metadata: ["error": "\(error)"])
        }
    }

    // MARK: verbs

    public func get(_ ref: ResourceRef) async throws(KubeError) -> JSONValue {
        try await send(.GET, ref.path)
    }

    public func list(_ ref: ResourceRef, options: ListOptions = ListOptions()) async throws(KubeError) -> JSONValue {
        try await send(.GET, ref.path, query: options.queryItems(watch: false))
    }

    public func create(_ ref: ResourceRef, body: JSONValue) async throws(KubeError) -> JSONValue {
        try await send(.POST, ref.path, body: encodeJSON(body))
    }

    public func update(_ ref: ResourceRef, body: JSONValue) async throws(KubeError) -> JSONValue {
        try await send(.PUT, ref.path, body: encodeJSON(body))
    }

    public func patch(_ ref: ResourceRef, type: PatchType, body: JSONValue) async throws(KubeError) -> JSONValue {
        try await send(.PATCH, ref.path, body: encodeJSON(body), contentType: type.rawValue)
    }

    public func delete(_ ref: ResourceRef, options: DeleteOptions? = nil) async throws(KubeError) -> JSONValue {
        try await send(.DELETE, ref.path, body: options.map { encodeJSON($0) })
    }

    // MARK: transport

    /// Sends one request and returns the decoded JSON body of a 2xx answer; any other answer
    /// becomes the `KubeError` its Status describes.
    func send(_ method: HTTPMethod, _ path: String, query: [URLQueryItem] = [], body: Data? = nil,
              contentType: String = "application/json") async throws(KubeError) -> JSONValue {
        let request = makeRequest(method, path, query: query, body: body, contentType: contentType)
        let data: Data
        let status: Int
        do {
            let response = try await http.execute(request, timeout: requestTimeout, logger: nil)
            status = Int(response.status.code)
            let buffer = try await response.body.collect(upTo: 64 << 20)
            data = Data(buffer.readableBytesView)
        } catch {
            throw .transport("\(method.rawValue) \(path)", error)
        }
        guard (200..<300).contains(status) else {
            let error = KubeError.from(statusCode: status, body: data)
            logger.debug("request failed", metadata: ["method": "\(method.rawValue)", "path": "\(path)", "error": "\(error)"])
            throw error
        }
        if data.isEmpty { return .null }
        do { return try JSONValue(parsingJSON: data) } catch {
            throw .decoding("\(method.rawValue) \(path)", error)
        }
    }

    func makeRequest(_ method: HTTPMethod, _ path: String, query: [URLQueryItem], body: Data?,
                     contentType: String) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: baseURL + path + Self.encode(query))
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "berth/0.1.0")
        if let body {
            request.headers.add(name: "Content-Type", value: contentType)
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        return request
    }

    /// `?a=b&c=d`, escaping everything but unreserved characters (selectors hold `=`, `,`, `!`).
    static func encode(_ query: [URLQueryItem]) -> String {
        guard !query.isEmpty else { return "" }
        let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        let escape = { (s: String) in s.addingPercentEncoding(withAllowedCharacters: unreserved) ?? s }
        return "?" + query.map { escape($0.name) + "=" + escape($0.value ?? "") }.joined(separator: "&")
    }
}
