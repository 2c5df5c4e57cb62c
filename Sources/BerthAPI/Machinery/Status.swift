/// `metav1.Status`: the body of every API error (and of some successful deletes). Messages are
/// built exactly as the kube-apiserver builds them (apimachinery `api/errors`), because kubectl
/// prints them verbatim: `Error from server (NotFound): pods "web" not found`.
public struct Status: Codable, Sendable, Equatable, Error, CustomStringConvertible {
    public var kind: String = "Status"
    public var apiVersion: String = "v1"
    public var metadata: ListMeta = ListMeta()
    /// "Success" or "Failure".
    public var status: String?
    public var message: String?
    public var reason: String?
    public var details: StatusDetails?
    public var code: Int32

    public init(status: String = "Failure", message: String? = nil, reason: String? = nil, details: StatusDetails? = nil, code: Int32) {
        self.status = status
        self.message = message
        self.reason = reason
        self.details = details
        self.code = code
    }

    public var description: String { message ?? reason ?? "status \(code)" }

    /// `schema.GroupResource.String()`: `pods`, `deployments.apps`.
    static func qualified(_ name: String, _ group: String) -> String {
        group.isEmpty ? name : name + "." + group
    }
}

public struct StatusDetails: Codable, Sendable, Equatable {
    public var name: String?
    public var group: String?
    /// The resource (plural) for most errors, the kind for Invalid, as Kubernetes fills it.
    public var kind: String?
    public var uid: String?
    public var causes: [StatusCause]?
    public var retryAfterSeconds: Int32?

    public init(name: String? = nil, group: String? = nil, kind: String? = nil, uid: String? = nil,
                causes: [StatusCause]? = nil, retryAfterSeconds: Int32? = nil) {
        // Kubernetes marks every field omitempty: empty values are left out of the JSON.
        func nonEmpty(_ s: String?) -> String? { s?.isEmpty == true ? nil : s }
        self.name = nonEmpty(name)
        self.group = nonEmpty(group)
        self.kind = nonEmpty(kind)
        self.uid = nonEmpty(uid)
        self.causes = causes?.isEmpty == true ? nil : causes
        self.retryAfterSeconds = retryAfterSeconds == 0 ? nil : retryAfterSeconds
    }
}

public struct StatusCause: Codable, Sendable, Equatable {
    /// `FieldValueRequired`, `FieldValueInvalid`...; Kubernetes calls this field `reason` on the wire.
    public var reason: String?
    public var message: String?
    public var field: String?

    public init(reason: String? = nil, message: String? = nil, field: String? = nil) {
        self.reason = reason
        self.message = message
        self.field = field
    }

    /// A validation error as a cause: the field path, the error's type as reason, and the
    /// message without the field (`Required value`, `Invalid value: "x": ...`).
    public init(_ error: FieldError) {
        let text = error.description
        let prefix = error.field + ": "
        self.init(reason: StatusCause.reason(for: error.type),
                  message: text.hasPrefix(prefix) ? String(text.dropFirst(prefix.count)) : text,
                  field: error.field)
    }

    public static func reason(for type: FieldError.ErrorType) -> String {
        switch type {
        case .required: return "FieldValueRequired"
        case .invalid: return "FieldValueInvalid"
        case .duplicate: return "FieldValueDuplicate"
        case .notSupported: return "FieldValueNotSupported"
        case .forbidden: return "FieldValueForbidden"
        case .tooLong: return "FieldValueTooLong"
        case .notFound: return "FieldValueNotFound"
        }
    }
}

extension Status {
    /// Successful delete of an object that is gone at once (`{status: Success, details}`).
    public static func success(group: String = "", kind: String, name: String, uid: String? = nil) -> Status {
        Status(status: "Success", details: StatusDetails(name: name, group: group, kind: kind, uid: uid), code: 200)
    }

    /// 404 `pods "web" not found`. `kind` is the resource (plural), as in Kubernetes.
    public static func notFound(group: String = "", kind: String, name: String) -> Status {
        Status(message: "\(qualified(kind, group)) \(quoted(name)) not found", reason: "NotFound",
               details: StatusDetails(name: name, group: group, kind: kind), code: 404)
    }

    /// 409 `pods "web" already exists`.
    public static func alreadyExists(group: String = "", kind: String, name: String) -> Status {
        Status(message: "\(qualified(kind, group)) \(quoted(name)) already exists", reason: "AlreadyExists",
               details: StatusDetails(name: name, group: group, kind: kind), code: 409)
    }

    /// The optimistic-concurrency failure text of the apiserver's storage layer.
    public static let optimisticLockMessage =
        "the object has been modified; please apply your changes to the latest version and try again"

    /// 409 `Operation cannot be fulfilled on pods "web": <message>`.
    public static func conflict(group: String = "", kind: String, name: String, message: String = optimisticLockMessage) -> Status {
        Status(message: "Operation cannot be fulfilled on \(qualified(kind, group)) \(quoted(name)): \(message)",
               reason: "Conflict", details: StatusDetails(name: name, group: group, kind: kind), code: 409)
    }

    /// 422 `Pod "web" is invalid: spec.containers: Required value`, or `[a, b]` for several
    /// errors. `kind` is the Kind here (`Pod`, `Deployment` with group `apps`).
    public static func invalid(kind: String, group: String = "", name: String, causes errors: [FieldError]) -> Status {
        let subject = "\(qualified(kind, group)) \(quoted(name)) is invalid"
        let message = errors.isEmpty ? subject : subject + ": " + aggregateErrorMessages(errors.map(\.description))
        return Status(message: message, reason: "Invalid",
                      details: StatusDetails(name: name, group: group, kind: kind, causes: errors.map(StatusCause.init)),
                      code: 422)
    }

    /// 400 with the message as given.
    public static func badRequest(_ message: String) -> Status {
        Status(message: message, reason: "BadRequest", code: 400)
    }

    /// 405 `<action> is not supported on resources of kind "pods"`.
    public static func methodNotAllowed(group: String = "", kind: String, action: String) -> Status {
        Status(message: "\(action) is not supported on resources of kind \(quoted(qualified(kind, group)))",
               reason: "MethodNotAllowed", details: StatusDetails(group: group, kind: kind), code: 405)
    }

    /// The media types the apiserver accepts for PATCH, in its order.
    public static let patchMediaTypes = [
        "application/json-patch+json", "application/merge-patch+json",
        "application/strategic-merge-patch+json", "application/apply-patch+yaml",
    ]

    /// 415 `the body of the request was in an unknown format - accepted media types include: ...`.
    public static func unsupportedMediaType(accepted: [String]) -> Status {
        Status(message: "the body of the request was in an unknown format - accepted media types include: "
                + accepted.joined(separator: ", "),
               reason: "UnsupportedMediaType", code: 415)
    }

    /// 406 `only the following media types are accepted: ...`.
    public static func notAcceptable(accepted: [String]) -> Status {
        Status(message: "only the following media types are accepted: " + accepted.joined(separator: ", "),
               reason: "NotAcceptable", code: 406)
    }

    /// 410 Expired, e.g. `too old resource version: 5 (120)` for a watch out of the history window.
    public static func expired(_ message: String) -> Status {
        Status(message: message, reason: "Expired", code: 410)
    }

    /// The message the apiserver's watch cache gives when a resourceVersion is out of its window.
    public static func tooOldResourceVersion(requested: Int64, oldest: Int64) -> Status {
        expired("too old resource version: \(requested) (\(oldest))")
    }

    /// 410 Gone (deprecated by Kubernetes in favour of Expired, still seen).
    public static func gone(_ message: String) -> Status {
        Status(message: message, reason: "Gone", code: 410)
    }

    /// 500 `Internal error occurred: <message>`, with the message as the only cause.
    public static func internalError(_ message: String) -> Status {
        Status(message: "Internal error occurred: \(message)", reason: "InternalError",
               details: StatusDetails(causes: [StatusCause(message: message)]), code: 500)
    }

    /// 403 `pods "web" is forbidden: <message>` (`pods is forbidden: ...` without a name).
    public static func forbidden(group: String = "", kind: String, name: String = "", message: String) -> Status {
        let subject = kind.isEmpty ? "forbidden" : name.isEmpty
            ? "\(qualified(kind, group)) is forbidden" : "\(qualified(kind, group)) \(quoted(name)) is forbidden"
        return Status(message: "\(subject): \(message)", reason: "Forbidden",
                      details: StatusDetails(name: name.isEmpty ? nil : name, group: group, kind: kind), code: 403)
    }

    /// 504 `Timeout: <message>`.
    public static func timeout(_ message: String, retryAfterSeconds: Int32 = 0) -> Status {
        Status(message: "Timeout: \(message)", reason: "Timeout",
               details: StatusDetails(retryAfterSeconds: retryAfterSeconds), code: 504)
    }
}
