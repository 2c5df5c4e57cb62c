import BerthAPI
import Hummingbird

/// The query parameters of a resource request.
struct Query: Sendable {
    var values: [String: String] = [:]
    var multi: [String: [String]] = [:]
    var labelSelector: String?
    var fieldSelector: String?

    init(_ request: Request) {
        // Go's url.Values form encoding: a space comes as `+` (kubectl's `-l 'app notin (web)'`).
        for (k, v) in FormQuery(request.uri.query).items {
            if values[k] == nil { values[k] = v }
            multi[k, default: []].append(v)
        }
        labelSelector = values["labelSelector"]
        fieldSelector = values["fieldSelector"]
    }

    subscript(_ key: String) -> String? { values[key] }

    var isWatch: Bool { bool("watch") }
    var includeObject: String? { values["includeObject"] }
    var dryRun: Bool { multi["dryRun"]?.contains("All") ?? false }

    /// Booleans as the kube-apiserver reads them: see `QueryParameters.bool`.
    func bool(_ key: String) -> Bool { QueryParameters.bool(values[key]) }
    func int(_ key: String) -> Int64? { values[key].flatMap { Int64($0) } }

    func writeOptions() throws(APIError) -> WriteOptions {
        if let dry = multi["dryRun"], dry.contains(where: { $0 != "All" }) {
            throw APIError.badRequest("dryRun: Unsupported value: \(quote(dry.first ?? "")): supported values: \"All\"")
        }
        return WriteOptions(fieldValidation: try FieldValidation(query: values["fieldValidation"]), dryRun: dryRun,
                            fieldManager: values["fieldManager"])
    }

    /// Query parameters override the body's DeleteOptions, as the kube-apiserver reads them.
    func apply(to options: inout DeletionOptions) {
        if let grace = int("gracePeriodSeconds") { options.gracePeriodSeconds = grace }
        if let policy = values["propagationPolicy"] { options.propagationPolicy = policy }
        if dryRun { options.dryRun = true }
    }
}
