/// Reads the Pods of a YAML (or JSON) stream, as `berth run -f` and the static pod directory do.
///
/// Every document must be a `v1` `Pod`, or a `v1` `List` of them (what `kubectl get -o yaml`
/// prints). Unknown fields are errors when `strict`, else warnings worded as Kubernetes words them.
public func decodePods(yaml: String, strict: Bool) throws(ManifestError) -> (pods: [Pod], warnings: [String]) {
    var pods: [Pod] = []
    var warnings: [String] = []
    for document in try ManifestDecoder.decodeDocuments(yaml: yaml) {
        try checkKind(document, path: "", value: document.value)
        if document.kind == "List" {
            guard let items = document.value["items"]?.arrayValue else { continue }
            for (i, item) in items.enumerated() {
                let path = FieldPath.index("items", i)
                try checkKind(document, path: path, value: item)
                do {
                    let (pod, unknown) = try ManifestDecoder.decodeRecording(Pod.self, from: item)
                    let paths = unknown.map { FieldPath.child(path, $0) }
                    warnings += try ManifestDecoder.report(ManifestDecoder.sortedBySource(paths, in: document), strict: strict)
                    pods.append(pod)
                } catch {
                    throw ManifestDecoder.locate(error.kind == .unknownField ? error : prefixed(error, with: path), in: document)
                }
            }
        } else {
            let result = try ManifestDecoder.decode(Pod.self, from: document, strict: strict)
            pods.append(result.value)
            warnings += result.warnings
        }
    }
    return (pods, warnings)
}

private func checkKind(_ document: ManifestDocument, path: String, value: JSONValue) throws(ManifestError) {
    func fail(_ kind: ManifestError.Kind, _ message: String, field: String) -> ManifestError {
        ManifestDecoder.locate(ManifestError(kind: kind, message: message, fieldPath: field), in: document)
    }
    let prefix = path.isEmpty ? "" : path + "."
    guard case .object = value else {
        throw fail(.invalidValue, "\(path.isEmpty ? "a manifest" : path) must be a mapping of fields, not \(value.errorRendering)", field: path)
    }
    guard let kind = value["kind"]?.stringValue, !kind.isEmpty else {
        throw fail(.missingField, "missing required field \(quoted(prefix + "kind"))", field: path)
    }
    guard let apiVersion = value["apiVersion"]?.stringValue, !apiVersion.isEmpty else {
        throw fail(.missingField, "missing required field \(quoted(prefix + "apiVersion"))", field: path)
    }
    let listAllowed = path.isEmpty
    guard apiVersion == "v1", kind == "Pod" || (listAllowed && kind == "List") else {
        let what = apiVersion == "v1" || kind != "Pod" ? "kind \(quoted(kind))" : "apiVersion \(quoted(apiVersion)) for kind \"Pod\""
        throw fail(.unsupportedKind, "\(what) is not supported here (only v1 Pod)", field: prefix + "kind")
    }
}

private func prefixed(_ error: ManifestError, with path: String) -> ManifestError {
    var out = error
    if let field = error.fieldPath {
        let full = field.isEmpty ? path : path + "." + field
        out.fieldPath = full
        if !field.isEmpty, error.message.hasPrefix(field + ":") {
            out.message = full + error.message.dropFirst(field.count)
        }
    }
    return out
}
