import BerthAPI

/// `fieldValidation`: what to do with fields the kind does not have. The server default is Warn.
enum FieldValidation: String, Sendable {
    case strict = "Strict", warn = "Warn", ignore = "Ignore"

    init(query: String?) throws(APIError) {
        guard let query, !query.isEmpty else {
            self = .warn
            return
        }
        guard let value = FieldValidation(rawValue: query) else {
            throw APIError.badRequest("fieldValidation parameter unsupported: \(query)")
        }
        self = value
    }
}

/// The query parameters every write takes.
struct WriteOptions: Sendable {
    var fieldValidation: FieldValidation = .warn
    var dryRun = false
    var fieldManager: String?
}

/// The fields of `DeleteOptions` the registry honours (from the body or the query string).
struct DeletionOptions: Sendable {
    var gracePeriodSeconds: Int64?
    var propagationPolicy: String?
    var preconditionUID: String?
    var preconditionResourceVersion: String?
    var dryRun = false

    init() {}

    init(body: JSONValue?) {
        guard let body else { return }
        gracePeriodSeconds = body["gracePeriodSeconds"]?.intValue
        propagationPolicy = body["propagationPolicy"]?.stringValue
        preconditionUID = body["preconditions"]?["uid"]?.stringValue
        preconditionResourceVersion = body["preconditions"]?["resourceVersion"]?.stringValue
        dryRun = body["dryRun"]?.arrayValue?.contains(.string("All")) ?? false
    }
}

/// Which part of an object a write may change.
enum WriteScope: Sendable {
    /// The main resource: status changes are ignored (when status is a subresource).
    case main
    /// `/status`: only status changes.
    case status
    /// The server's own writes (binding, graceful deletion): no update rules.
    case system
}
