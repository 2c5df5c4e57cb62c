import BerthAPI
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// What the client asked for in `Accept`: kubectl asks for Tables and for aggregated discovery
/// by media type parameters, with plain JSON as the fallback. Protobuf is never answered: JSON is
/// always acceptable to kubectl, so a protobuf-first Accept still gets JSON.
struct Negotiation: Sendable {
    var wantsTable = false
    var wantsAggregatedDiscovery = false
    var wantsPartialObjectMetadata = false

    static let aggregatedDiscoveryContentType = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"
    static let tableContentType = "application/json;as=Table;v=v1;g=meta.k8s.io"

    init(accept: String?) {
        // The first media type we can serve wins, as the kube-apiserver negotiates.
        for mediaType in (accept ?? "").split(separator: ",") {
            let parts = mediaType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let type = parts.first else { continue }
            var params: [String: String] = [:]
            for part in parts.dropFirst() {
                let kv = part.split(separator: "=", maxSplits: 1).map { String($0).trimmingCharacters(in: .whitespaces) }
                if kv.count == 2 { params[kv[0]] = kv[1] }
            }
            guard type == "application/json" || type == "*/*" else { continue }
            switch (params["as"], params["g"], params["v"]) {
            case ("Table", "meta.k8s.io", "v1"?):
                wantsTable = true
                return
            case ("APIGroupDiscoveryList", "apidiscovery.k8s.io", "v2"?):
                wantsAggregatedDiscovery = true
                return
            case ("PartialObjectMetadata", "meta.k8s.io", "v1"?), ("PartialObjectMetadataList", "meta.k8s.io", "v1"?):
                wantsPartialObjectMetadata = true
                return
            case (nil, _, _):
                return  // plain JSON
            default:
                continue  // a variant we do not serve (v2beta1, Table v1beta1): try the next
            }
        }
    }
}

/// Building responses.
enum APIResponse {
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok,
                     contentType: String = "application/json", warnings: [String] = []) -> Response {
        var data = encodeJSON(value)
        data.append(UInt8(ascii: "\n"))
        var headers: HTTPFields = [.contentType: contentType]
        for warning in warnings {
            headers.append(HTTPField(name: .warning, value: warningValue(warning)))
        }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok, contentType: String = "application/json") -> Response {
        var data = encodeJSON(value)
        data.append(UInt8(ascii: "\n"))
        return Response(status: status, headers: [.contentType: contentType], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func text(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/plain; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// `299 - "unknown field \"spec.foo\""`, the form client-go prints as `Warning: ...`.
    static func warningValue(_ text: String) -> String {
        let escaped = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return "299 - \"\(escaped)\""
    }
}

extension HTTPField.Name {
    static let warning = HTTPField.Name("Warning")!
}

/// The body of a write, by its Content-Type.
enum RequestBody {
    static let maxBytes = 3 * 1024 * 1024 + 512 * 1024

    enum PatchType: Sendable {
        case merge, json, strategic
    }

    static func read(_ request: Request) async throws -> ByteBuffer {
        var request = request
        do {
            return try await request.collectBody(upTo: maxBytes)
        } catch {
            throw APIError(code: 413, reason: "RequestEntityTooLarge", message: "the request body is too large")
        }
    }

    static func contentType(_ request: Request) -> String {
        let raw = request.headers[.contentType] ?? ""
        return raw.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
    }

    /// A JSON (or YAML) object body; protobuf and other types are refused with 415.
    static func object(_ request: Request) async throws -> JSONValue {
        let type = contentType(request)
        if type.contains("protobuf") || !(type.isEmpty || type == "application/json" || type == "application/yaml" || type == "*/*") {
            throw APIError.unsupportedMediaType(request.headers[.contentType] ?? "")
        }
        let buffer = try await read(request)
        return try parse(buffer, yaml: type == "application/yaml")
    }

    static func parse(_ buffer: ByteBuffer, yaml: Bool) throws(APIError) -> JSONValue {
        let data = Data(buffer.readableBytesView)
        do {
            if yaml {
                return try JSONValue(parsingYAMLDocument: String(decoding: data, as: UTF8.self))
            }
            return try JSONValue(parsingJSON: data)
        } catch {
            throw APIError.badRequest("couldn't get version/kind; json parse error: \(error.message)")
        }
    }

    /// A patch body and its type; server-side apply is declined with 415, which kubectl reports
    /// as `Server-side apply not available on the server`.
    static func patch(_ request: Request) async throws -> (PatchType, JSONValue) {
        let type = contentType(request)
        let patchType: PatchType
        switch type {
        case "application/merge-patch+json": patchType = .merge
        case "application/json-patch+json": patchType = .json
        case "application/strategic-merge-patch+json": patchType = .strategic
        default:
            throw APIError.unsupportedPatchType
        }
        let buffer = try await read(request)
        return (patchType, try parse(buffer, yaml: false))
    }
}
