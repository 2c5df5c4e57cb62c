import BerthAPI
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// An error the API answers with: a Kubernetes `Status` (BerthAPI's, with its helpers' messages)
/// that kubectl prints as `Error from server (<reason>): <message>`. Every failure of a handler
/// or of the registry ends up as one of these, and is written in one place (`ErrorMiddleware`).
struct APIError: Error, HTTPResponseError, CustomStringConvertible {
    var body: Status

    init(_ status: Status) { body = status }

    init(code: Int, reason: String, message: String) {
        body = Status(message: message, reason: reason, code: Int32(code))
    }

    var code: Int { Int(body.code) }
    var reason: String { body.reason ?? "" }
    var message: String { body.message ?? "" }
    var description: String { "\(reason) (\(code)): \(message)" }
    var status: HTTPResponse.Status { .init(code: code) }
    var statusObject: JSONValue { JSONValue.from(body) }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        APIResponse.json(statusObject, status: status)
    }

    // MARK: - The reasons Kubernetes uses, in its words

    static let pathNotFound = APIError(code: 404, reason: "NotFound", message: "the server could not find the requested resource")

    /// `pods "x" not found` (the qualified resource, as `errors.NewNotFound`).
    static func notFound(_ resource: ResourceInfo, name: String) -> APIError {
        APIError(.notFound(group: resource.group, kind: resource.plural, name: name))
    }

    static func alreadyExists(_ resource: ResourceInfo, name: String) -> APIError {
        APIError(.alreadyExists(group: resource.group, kind: resource.plural, name: name))
    }

    static func conflict(_ resource: ResourceInfo, name: String, message: String? = nil) -> APIError {
        APIError(.conflict(group: resource.group, kind: resource.plural, name: name,
                           message: message ?? Status.optimisticLockMessage))
    }

    /// `Pod "x" is invalid: [a: Required value, ...]` with one cause per field.
    static func invalid(_ resource: ResourceInfo, name: String, errors: [FieldError]) -> APIError {
        APIError(.invalid(kind: resource.kind, group: resource.group, name: name, causes: errors))
    }

    static func badRequest(_ message: String) -> APIError { APIError(.badRequest(message)) }

    static func forbidden(_ resource: ResourceInfo, name: String, message: String) -> APIError {
        APIError(.forbidden(group: resource.group, kind: resource.plural, name: name, message: message))
    }

    static func methodNotAllowed(_ message: String = "the server does not allow this method on the requested resource") -> APIError {
        APIError(code: 405, reason: "MethodNotAllowed", message: message)
    }

    /// A request body in a format the server does not read (protobuf).
    static func unsupportedMediaType(_ contentType: String) -> APIError {
        APIError(.unsupportedMediaType(accepted: ["application/json", "application/yaml"] + Status.patchMediaTypes.dropLast()))
    }

    /// A PATCH of a type the server does not apply (server-side apply): kubectl then prints
    /// `Server-side apply not available on the server`.
    static let unsupportedPatchType = APIError(.unsupportedMediaType(accepted: Array(Status.patchMediaTypes.dropLast())))

    static func expired(_ message: String) -> APIError { APIError(.expired(message)) }

    static func internalError(_ message: String) -> APIError { APIError(.internalError(message)) }

    static func serviceUnavailable(_ message: String) -> APIError {
        APIError(code: 503, reason: "ServiceUnavailable", message: message)
    }

    /// Storage failures, in the words of the resource they concern.
    static func storage(_ error: StorageError, _ resource: ResourceInfo, name: String) -> APIError {
        switch error {
        case .notFound: return .notFound(resource, name: name)
        case .alreadyExists: return .alreadyExists(resource, name: name)
        case .conflict: return .conflict(resource, name: name)
        case .compacted(let requested, let oldest):
            return APIError(.tooOldResourceVersion(requested: requested, oldest: oldest))
        case .io(let message): return .internalError(message)
        }
    }
}

/// Go's %q for names in messages.
func quote(_ s: String) -> String {
    "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
}
