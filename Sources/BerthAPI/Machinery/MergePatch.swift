/// JSON Merge Patch (RFC 7386), `application/merge-patch+json`.
public enum MergePatch {
    /// Applies `patch` to `original`: objects merge recursively, `null` removes a key, anything
    /// else (arrays included) replaces the target.
    public static func apply(_ patch: JSONValue, to original: JSONValue) -> JSONValue {
        guard case .object(let patchFields) = patch else { return patch }
        var result = original.objectValue ?? [:]
        for (key, value) in patchFields {
            if value.isNull {
                result.removeValue(forKey: key)
            } else {
                result[key] = apply(value, to: result[key] ?? .null)
            }
        }
        return .object(result)
    }

    /// A merge patch that turns `from` into `to`: `{}` when they are equal. A `null` in `to`
    /// cannot be expressed by a merge patch and is treated as a removal.
    public static func diff(from original: JSONValue, to modified: JSONValue) -> JSONValue {
        guard case .object(let old) = original, case .object(let new) = modified else {
            return original.isJSONEqual(to: modified) ? .object([:]) : modified
        }
        var patch: [String: JSONValue] = [:]
        for (key, newValue) in new {
            guard let oldValue = old[key] else {
                patch[key] = newValue
                continue
            }
            if oldValue.isJSONEqual(to: newValue) { continue }
            if case .object = oldValue, case .object = newValue {
                patch[key] = diff(from: oldValue, to: newValue)
            } else {
                patch[key] = newValue
            }
        }
        for key in old.keys where new[key] == nil {
            patch[key] = .null
        }
        return .object(patch)
    }
}
