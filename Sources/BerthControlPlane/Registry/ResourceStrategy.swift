import BerthAPI
import Foundation

/// Per-kind behaviour of the registry, after Kubernetes' `rest.RESTCreateStrategy` and
/// `RESTUpdateStrategy`: decoding and defaulting, validation, what create and update may change,
/// and which fields a field selector can use. Objects travel as JSON; each kind's typed struct is
/// used only to decode (strictly, for `fieldValidation`), default and validate.
struct ResourceStrategy: Sendable {
    let resource: ResourceInfo
    /// Decodes with the typed struct and applies defaults. Returns the normalised JSON and the
    /// unknown fields (`unknown field "spec.foo"`), which the caller turns into an error or warnings.
    let normalize: @Sendable (JSONValue) throws(APIError) -> (object: JSONValue, unknownFields: [String])
    let validate: @Sendable (JSONValue) -> [FieldError]
    /// Extra rules on update (immutable fields), run after `validate`.
    let validateUpdate: @Sendable (_ new: JSONValue, _ old: JSONValue) -> [FieldError]
    /// Create-time preparation after defaulting (pods: status Pending; namespaces: Active).
    let prepareForCreate: @Sendable (inout JSONValue) -> Void
    /// Whether `status` is a subresource: then the main resource ignores status changes and
    /// `/status` changes only status.
    let hasStatusSubresource: Bool
    /// Field selector fields beyond `metadata.name` and `metadata.namespace`.
    let extraSelectableFields: Set<String>

    var selectableFields: Set<String> {
        extraSelectableFields.union(["metadata.name", "metadata.namespace"])
    }

    /// The value of a selectable field; `metadata.namespace` of a cluster-scoped object is "".
    func fieldValue(_ field: String, of object: JSONValue) -> String? {
        switch field {
        case "metadata.name": return object.name
        case "metadata.namespace": return object.namespace ?? ""
        case "source" where resource.kind == "Event": return object.fieldString("source.component")
        default: return object.fieldString(field)
        }
    }

    /// A strategy for a kind with a Codable struct.
    static func typed<T: Codable & Sendable>(
        _ type: T.Type,
        _ resource: ResourceInfo,
        defaults: @escaping @Sendable (T) -> T,
        validate: @escaping @Sendable (T) -> [FieldError],
        validateUpdate: @escaping @Sendable (_ new: JSONValue, _ old: JSONValue) -> [FieldError] = { _, _ in [] },
        prepareForCreate: @escaping @Sendable (inout JSONValue) -> Void = { _ in },
        hasStatusSubresource: Bool,
        selectableFields: Set<String> = []
    ) -> ResourceStrategy {
        ResourceStrategy(
            resource: resource,
            normalize: { (json: JSONValue) throws(APIError) -> (object: JSONValue, unknownFields: [String]) in
                do throws(ManifestError) {
                    let (value, unknown) = try ManifestDecoder.decode(T.self, from: json, strict: false)
                    return (JSONValue.from(defaults(value)), unknown)
                } catch {
                    throw APIError.badRequest(
                        "\(resource.kind) in version \(quote(resource.version)) cannot be handled as a \(resource.kind): \(error.message)")
                }
            },
            validate: { json in
                guard let (value, _) = try? ManifestDecoder.decode(T.self, from: json, strict: false) else { return [] }
                return validate(value)
            },
            validateUpdate: validateUpdate,
            prepareForCreate: prepareForCreate,
            hasStatusSubresource: hasStatusSubresource,
            extraSelectableFields: selectableFields)
    }
}

extension ResourceStrategy {
    /// The kinds this API server serves.
    static let all: [ResourceStrategy] = [.namespaces, .pods, .nodes, .events, .configmaps, .leases]

    /// Whether anything but metadata and status differs: such a change bumps `metadata.generation`.
    static func specChanged(_ new: JSONValue, _ old: JSONValue) -> Bool {
        func strip(_ v: JSONValue) -> JSONValue {
            var v = v
            for key in ["metadata", "status", "kind", "apiVersion"] { v.set(key, nil) }
            return v
        }
        return strip(new) != strip(old)
    }
}
