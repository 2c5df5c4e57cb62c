import BerthAPI
import Foundation

// The kinds other than Pod (PodStrategy.swift). Defaulting and validation are BerthAPI's.

extension ResourceStrategy {
    static let namespaces = ResourceStrategy.typed(
        Namespace.self, BuiltinResources.namespaces,
        defaults: { $0.withDefaults() },
        validate: { $0.validate() },
        prepareForCreate: { object in
            // Status is Active whatever the client sent, and the `kubernetes` finalizer is set.
            if let ns = try? ManifestDecoder.decode(Namespace.self, from: object, strict: false).value {
                object = JSONValue.from(ns.preparedForCreate())
            }
        },
        hasStatusSubresource: true,
        selectableFields: ["status.phase"])

    static let nodes = ResourceStrategy.typed(
        Node.self, BuiltinResources.nodes,
        defaults: { $0.withDefaults() },
        validate: { $0.validate() },
        hasStatusSubresource: true,
        selectableFields: ["spec.unschedulable"])

    static let events = ResourceStrategy.typed(
        Event.self, BuiltinResources.events,
        defaults: { $0.withDefaults() },
        validate: { $0.validate() },
        hasStatusSubresource: false,
        selectableFields: [
            "involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
            "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath",
            "reason", "reportingComponent", "source", "type",
        ])

    static let configmaps = ResourceStrategy.typed(
        ConfigMap.self, BuiltinResources.configmaps,
        defaults: { $0.withDefaults() },
        validate: { $0.validate() },
        validateUpdate: { new, old in
            // An immutable ConfigMap keeps its data.
            guard old["immutable"]?.boolValue == true else { return [] }
            var errors: [FieldError] = []
            if new["immutable"]?.boolValue != true {
                errors.append(.forbidden("immutable", "field is immutable when `immutable` is set"))
            }
            if new["data"] != old["data"] || new["binaryData"] != old["binaryData"] {
                errors.append(.forbidden("data", "field is immutable when `immutable` is set"))
            }
            return errors
        },
        hasStatusSubresource: false)

    static let leases = ResourceStrategy.typed(
        Lease.self, BuiltinResources.leases,
        defaults: { $0.withDefaults() },
        validate: { $0.validate() },
        hasStatusSubresource: false)

    static func forResource(group: String, plural: String) -> ResourceStrategy? {
        all.first { $0.resource.group == group && $0.resource.plural == plural }
    }
}
