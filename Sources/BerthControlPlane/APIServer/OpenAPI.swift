import BerthAPI
import Foundation

/// The least OpenAPI v3 that lets kubectl's default `--validate=strict` hand validation to the
/// server: an index of group versions, and per group version only the `patch` operations with
/// `x-kubernetes-group-version-kind` and a `fieldValidation` parameter (kubectl's
/// `query_param_verifier_v3` looks for exactly these). kubectl then sends `fieldValidation=Strict`.
enum OpenAPI {
    /// Changes whenever the served resources change, so that kubectl's cache by hash stays right.
    static let hash = "berth-\(BuiltinResources.all.map(\.plural).joined(separator: "-"))-1"

    static func path(for group: String, version: String) -> String {
        group.isEmpty ? "api/\(version)" : "apis/\(group)/\(version)"
    }

    static func index() -> JSONValue {
        var paths: [String: JSONValue] = [:]
        for entry in BuiltinResources.groups {
            let p = path(for: entry.group, version: entry.version)
            paths[p] = .object(["serverRelativeURL": .string("/openapi/v3/\(p)?hash=\(hash)")])
        }
        return .object(["paths": .object(paths)])
    }

    /// The document of `api/v1` or `apis/<group>/<version>`; nil when not served.
    static func document(_ groupVersionPath: String) -> JSONValue? {
        guard let entry = BuiltinResources.groups.first(where: { path(for: $0.group, version: $0.version) == groupVersionPath })
        else { return nil }
        var paths: [String: JSONValue] = [:]
        for info in entry.resources {
            let objectPath = "/" + groupVersionPath + (info.namespaced ? "/namespaces/{namespace}" : "") + "/\(info.plural)/{name}"
            paths[objectPath] = .object(["patch": patchOperation(info, subresource: nil)])
            for sub in info.subresources where sub.verbs.contains("patch") {
                paths[objectPath + "/\(sub.name)"] = .object(["patch": patchOperation(info, subresource: sub.name)])
            }
        }
        return .object([
            "openapi": "3.0.0",
            "info": .object(["title": "Kubernetes", "version": "v1.32.0"]),
            "paths": .object(paths),
            "components": .object(["schemas": .object([:])]),
        ])
    }

    private static func patchOperation(_ info: ResourceInfo, subresource: String?) -> JSONValue {
        let gvk: JSONValue = .object(["group": .string(info.group), "version": .string(info.version), "kind": .string(info.kind)])
        let parameter: JSONValue = .object([
            "name": "fieldValidation", "in": "query", "schema": .object(["type": "string"]),
            "description": "fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields.",
        ])
        return .object([
            "operationId": .string("patch\(info.kind)\(subresource.map { $0.capitalized } ?? "")"),
            "x-kubernetes-action": "patch",
            "x-kubernetes-group-version-kind": gvk,
            "parameters": .array([parameter]),
            "responses": .object(["200": .object(["description": "OK"])]),
        ])
    }

    // MARK: v2

    static let v2ContentType = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"

    /// An OpenAPI v2 document with no paths and no definitions, in the protobuf form kubectl
    /// asks for (gnostic's `openapi.v2.Document`). kubectl falls back to v2 for a kind the v3
    /// documents lack; when v2 is missing too it stops at "failed to download openapi", while
    /// an empty schema lets it go on to its usual `no matches for kind "X" in version "v1"`.
    static let emptyV2Document: [UInt8] = {
        func field(_ number: UInt8, _ bytes: [UInt8]) -> [UInt8] { [number << 3 | 2, UInt8(bytes.count)] + bytes }
        let info = field(1, Array("Kubernetes".utf8)) + field(2, Array("v1.32.0".utf8))
        return field(1, Array("2.0".utf8)) + field(2, info) + field(8, []) + field(9, [])
    }()
}
