import BerthAPI
import Foundation

/// A failed API request: either the server's `Status` (code, reason, message as the server
/// sent them) or a client-side failure (no response, undecodable body), which has code 0.
public struct KubeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The HTTP status code; 0 when no response arrived.
    public var code: Int
    /// `Status.reason` (NotFound, Conflict, AlreadyExists, Invalid, Expired, Gone...), or
    /// `Transport` / `Decoding` / `Watch` for client-side failures.
    public var reason: String
    public var message: String
    /// `Status.details` when the server sent them (name, kind, causes).
    public var details: JSONValue?

    public init(code: Int, reason: String, message: String, details: JSONValue? = nil) {
        self.code = code
        self.reason = reason
        self.message = message
        self.details = details
    }

    public var isNotFound: Bool { code == 404 || reason == "NotFound" }
    public var isConflict: Bool { code == 409 && reason != "AlreadyExists" }
    public var isAlreadyExists: Bool { reason == "AlreadyExists" }
    /// 410: the resourceVersion is older than the server's history (reason Expired or Gone).
    public var isGone: Bool { code == 410 || reason == "Expired" || reason == "Gone" }
    /// No response arrived (connection refused, reset, timed out).
    public var isTransport: Bool { code == 0 && reason == "Transport" }

    public var description: String {
        code == 0 ? "\(reason): \(message)" : "\(reason) (\(code)): \(message)"
    }

    static func transport(_ what: String, _ error: any Error) -> KubeError {
        KubeError(code: 0, reason: "Transport", message: "\(what): \(error)")
    }

    static func decoding(_ what: String, _ error: any Error) -> KubeError {
        KubeError(code: 0, reason: "Decoding", message: "\(what): \(error)")
    }

    /// The error a response with a failure code stands for: the server's Status when the body
    /// is one, else the code and the start of the body (a proxy or a plain-text error).
    static func from(statusCode: Int, body: Data) -> KubeError {
        if let value = try? JSONValue(parsingJSON: body), value["kind"]?.stringValue == "Status" {
            return from(status: value, fallbackCode: statusCode)
        }
        let text = String(decoding: body.prefix(512), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return KubeError(code: statusCode, reason: reasonForCode(statusCode), message: text.isEmpty ? "HTTP \(statusCode)" : text)
    }

    /// Decodes a `Status` object (also the object of a watch ERROR event).
    static func from(status value: JSONValue, fallbackCode: Int) -> KubeError {
        let code = value["code"]?.intValue.map(Int.init) ?? fallbackCode
        return KubeError(code: code, reason: value["reason"]?.stringValue ?? reasonForCode(code),
                         message: value["message"]?.stringValue ?? "", details: value["details"])
    }

    /// Kubernetes' reason for a code when the server gave none (apimachinery's
    /// `reasonForError` fallbacks).
    static func reasonForCode(_ code: Int) -> String {
        switch code {
        case 400: return "BadRequest"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "NotFound"
        case 405: return "MethodNotAllowed"
        case 406: return "NotAcceptable"
        case 409: return "Conflict"
        case 410: return "Gone"
        case 415: return "UnsupportedMediaType"
        case 422: return "Invalid"
        case 429: return "TooManyRequests"
        case 500: return "InternalError"
        case 503: return "ServiceUnavailable"
        case 504: return "Timeout"
        default: return "Unknown"
        }
    }
}
