/// Kubernetes strategic merge patch (`application/strategic-merge-patch+json`): RFC 7386 merge
/// plus lists merged by merge key (see `PatchSchema`) and the directives `$patch`
/// (delete/replace/merge), `$setElementOrder/<list>`, `$retainKeys` and
/// `$deleteFromPrimitiveList/<list>`.
public enum StrategicMergePatch {
    static let directive = "$patch"
    static let retainKeysDirective = "$retainKeys"
    static let setElementOrderPrefix = "$setElementOrder/"
    static let deleteFromPrimitiveListPrefix = "$deleteFromPrimitiveList/"

    /// Applies `patch` to the object `original` of the given kind, as the apiserver does.
    public static func apply(_ patch: JSONValue, to original: JSONValue, kind: String) throws(PatchError) -> JSONValue {
        guard case .object(let patchFields) = patch else {
            throw PatchError(message: "a strategic merge patch must be a JSON object")
        }
        let base: [String: JSONValue]
        switch original {
        case .object(let fields): base = fields
        case .null: base = [:]
        default: throw PatchError(message: "the patched document must be a JSON object")
        }
        let merger = SMPMerger(table: PatchSchema.table(forKind: kind), serverSide: true)
        return .object(try merger.mergeMap(base, patchFields, path: ""))
    }
}

/// The merge half of strategic merge patch. It runs in two modes, as Kubernetes' `mergeMap` does:
/// server side it applies a patch (directives are consumed, nulls delete); client side it combines
/// two patches into one (directives and nulls are kept for the server).
struct SMPMerger {
    let table: [String: PatchMeta]
    let serverSide: Bool

    private typealias SMP = StrategicMergePatch

    static func child(_ path: String, _ key: String) -> String {
        path.isEmpty ? key : path + "." + key
    }

    func mergeMap(_ original: [String: JSONValue], _ patch: [String: JSONValue], path: String) throws(PatchError) -> [String: JSONValue] {
        var patch = patch
        if let directive = patch[SMP.directive] {
            switch directive.stringValue {
            case "replace":
                patch.removeValue(forKey: SMP.directive)
                return serverSide ? try mergeMap([:], patch, path: path) : patch
            case "delete":
                return [:]
            case "merge":
                patch.removeValue(forKey: SMP.directive)
            default:
                throw PatchError(path: path, message: "unknown patch type: \(directive.goString)")
            }
        }
        var original = original
        try applyRetainKeys(&original, &patch, path: path)
        try applySetElementOrder(&original, &patch, path: path)

        for key in patch.keys.sorted() {
            guard let value = patch[key] else { continue }
            var field = key
            var isDeleteList = false
            if key.hasPrefix(SMP.deleteFromPrimitiveListPrefix) {
                if !serverSide {
                    original[key] = value
                    continue
                }
                field = String(key.dropFirst(SMP.deleteFromPrimitiveListPrefix.count))
                isDeleteList = true
            }
            let fieldPath = Self.child(path, field)
            if value.isNull {
                original.removeValue(forKey: field)
                // Client side the null is kept: it is how the final patch asks for a deletion.
                if !serverSide { original[field] = .null }
                continue
            }
            guard let existing = original[field], !existing.isNull else {
                if !isDeleteList { original[field] = try fresh(value, path: fieldPath) }
                continue
            }
            if existing.jsonKind != value.jsonKind {
                original[field] = try fresh(value, path: fieldPath)
                continue
            }
            switch (existing, value) {
            case (.object(let a), .object(let b)):
                original[field] = .object(try mergeMap(a, b, path: fieldPath))
            case (.array(let a), .array(let b)):
                original[field] = .array(try mergeList(a, b, path: fieldPath, isDeleteList: isDeleteList))
            default:
                original[field] = value
            }
        }
        return original
    }

    /// A patch value with nothing under it in the original. Server side its directives still
    /// have to be consumed (and its nulls dropped), so it is merged into an empty value.
    private func fresh(_ value: JSONValue, path: String) throws(PatchError) -> JSONValue {
        guard serverSide else { return value }
        switch value {
        case .object(let fields):
            return .object(try mergeMap([:], fields, path: path))
        case .array(let items):
            if table[path]?.mergeList == true { return .array(try mergeList([], items, path: path, isDeleteList: false)) }
            return value
        default:
            return value
        }
    }

    private func applyRetainKeys(_ original: inout [String: JSONValue], _ patch: inout [String: JSONValue], path: String) throws(PatchError) {
        guard let retain = patch.removeValue(forKey: SMP.retainKeysDirective) else { return }
        if !serverSide {
            if let mine = original[SMP.retainKeysDirective] {
                guard mine.isJSONEqual(to: retain) else {
                    throw PatchError(path: path, message: "$retainKeys lists differ between the two patches")
                }
            } else {
                original[SMP.retainKeysDirective] = retain
            }
            return
        }
        guard case .array(let items) = retain else {
            throw PatchError(path: path, message: "invalid patch format of retainKeys")
        }
        let keep = Set(items.compactMap(\.stringValue))
        for (key, value) in patch where !value.isNull && !key.hasPrefix("$") && !keep.contains(key) {
            throw PatchError(path: path, message: "invalid patch format of retainKeys: \(quoted(key)) is not in $retainKeys")
        }
        for key in original.keys where !keep.contains(key) {
            original.removeValue(forKey: key)
        }
    }

    /// `$setElementOrder/<list>`: merges the list with its patch, then orders the elements the
    /// patch names as it lists them, keeping the others where they were relative to them.
    private func applySetElementOrder(_ original: inout [String: JSONValue], _ patch: inout [String: JSONValue], path: String) throws(PatchError) {
        for key in patch.keys.sorted() where key.hasPrefix(SMP.setElementOrderPrefix) {
            guard let orderValue = patch.removeValue(forKey: key) else { continue }
            guard case .array(let order) = orderValue else {
                throw PatchError(path: path, message: "invalid patch format of setElementOrder list")
            }
            if !serverSide {
                if let mine = original[key], !mine.isJSONEqual(to: orderValue) {
                    throw PatchError(path: path, message: "invalid patch format of setElementOrder list")
                }
                original[key] = orderValue
            }
            let field = String(key.dropFirst(SMP.setElementOrderPrefix.count))
            let fieldPath = Self.child(path, field)
            let mergeKey = table[fieldPath]?.mergeKey
            let originalList = try list(original[field], path: fieldPath)
            let patchList = try list(patch[field], path: fieldPath)
            let merged: [JSONValue]
            switch (originalList, patchList) {
            case (nil, nil): continue
            case (let o?, nil): merged = o
            case (nil, let p?): merged = try fresh(.array(p), path: fieldPath).arrayValue ?? p
            case (let o?, let p?): merged = try mergeList(o, p, path: fieldPath, isDeleteList: false)
            }
            let (named, others) = merged.partitioned { Self.index(of: $0, in: order, mergeKey: mergeKey) != nil }
            original[field] = .array(Self.normalizeOrder(
                patchItems: named, serverOnly: others, patchOrder: order, serverOrder: originalList ?? [], mergeKey: mergeKey))
            patch.removeValue(forKey: field)
        }
    }

    private func list(_ value: JSONValue?, path: String) throws(PatchError) -> [JSONValue]? {
        switch value {
        case nil, .null?: return nil
        case .array(let items)?: return items
        default: throw PatchError(path: path, message: "expected a list")
        }
    }

    func mergeList(_ original: [JSONValue], _ patch: [JSONValue], path: String, isDeleteList: Bool) throws(PatchError) -> [JSONValue] {
        guard let meta = table[path], meta.mergeList else {
            // Not a merging list: replace, except that a deletion list still only deletes.
            return isDeleteList ? original.filter { o in !patch.contains { $0.isJSONEqual(to: o) } } : patch
        }
        if original.isEmpty && patch.isEmpty { return original }
        let elements = original + patch
        let maps = elements.first.map { if case .object = $0 { true } else { false } } ?? false
        if elements.contains(where: { ($0.jsonKind == 5) != maps }) {
            throw PatchError(path: path, message: "list element types are not identical")
        }
        if !maps {
            if isDeleteList && serverSide {
                return original.filter { o in !patch.contains { $0.isJSONEqual(to: o) } }
            }
            var merged: [JSONValue] = []
            for item in elements where !merged.contains(where: { $0.isJSONEqual(to: item) }) {
                merged.append(item)
            }
            let (named, others) = merged.partitioned { Self.index(of: $0, in: patch, mergeKey: nil) != nil }
            return Self.normalizeOrder(patchItems: named, serverOnly: others, patchOrder: patch, serverOrder: original, mergeKey: nil)
        }
        guard let mergeKey = meta.mergeKey else {
            throw PatchError(path: path, message: "cannot merge lists without merge key")
        }
        var (base, items) = try applySpecialElements(original, patch, mergeKey: mergeKey, path: path)
        // Ordering refers to the list as it was before new elements were appended, as in Kubernetes.
        let serverOrder = base
        for item in items {
            guard case .object(let fields) = item, let keyValue = fields[mergeKey] else {
                throw PatchError(path: path, message: "map: \(item.errorRendering) does not contain declared merge key: \(mergeKey)")
            }
            if let i = base.firstIndex(where: { $0[mergeKey]?.isJSONEqual(to: keyValue) == true }),
               case .object(let existing) = base[i] {
                base[i] = .object(try mergeMap(existing, fields, path: path))
            } else {
                base.append(serverSide ? .object(try mergeMap([:], fields, path: path)) : item)
            }
        }
        let (named, others) = base.partitioned { Self.index(of: $0, in: items, mergeKey: mergeKey) != nil }
        return Self.normalizeOrder(patchItems: named, serverOnly: others, patchOrder: items, serverOrder: serverOrder, mergeKey: mergeKey)
    }

    /// Handles list elements that carry `$patch`: delete removes the matching elements,
    /// replace makes the rest of the patch list the whole list, merge is a plain element.
    private func applySpecialElements(_ original: [JSONValue], _ patch: [JSONValue], mergeKey: String, path: String) throws(PatchError) -> ([JSONValue], [JSONValue]) {
        var original = original
        var plain: [JSONValue] = []
        var replace = false
        for item in patch {
            guard case .object(var fields) = item else {
                throw PatchError(path: path, message: "list element \(item.errorRendering) is not a map")
            }
            guard let directive = fields[StrategicMergePatch.directive] else {
                plain.append(item)
                continue
            }
            switch directive.stringValue {
            case "delete":
                guard let keyValue = fields[mergeKey] else {
                    throw PatchError(path: path, message: "delete directive without merge key \(mergeKey)")
                }
                original.removeAll { $0[mergeKey]?.isJSONEqual(to: keyValue) == true }
            case "replace":
                replace = true
            case "merge":
                fields.removeValue(forKey: StrategicMergePatch.directive)
                if fields[mergeKey] != nil { plain.append(.object(fields)) }
            default:
                throw PatchError(path: path, message: "unknown patch type: \(directive.goString)")
            }
        }
        return replace ? (plain, []) : (original, plain)
    }

    // MARK: Ordering

    /// Position of `item` in `list`, matching maps by merge key and primitives by value.
    static func index(of item: JSONValue, in list: [JSONValue], mergeKey: String?) -> Int? {
        if let mergeKey {
            guard let key = item[mergeKey] else { return nil }
            return list.firstIndex { $0[mergeKey]?.isJSONEqual(to: key) == true }
        }
        return list.firstIndex { $0.isJSONEqual(to: item) }
    }

    /// Sorts `items` by their position in `order`; items `order` lacks keep their relative order
    /// after the others, and `$patch: delete` elements go last.
    static func sortByOrder(_ items: [JSONValue], _ order: [JSONValue], mergeKey: String?) -> [JSONValue] {
        let (deletes, rest) = items.partitioned { mergeKey != nil && $0[StrategicMergePatch.directive]?.stringValue == "delete" }
        let ranked = rest.enumerated().map { (rank: index(of: $0.element, in: order, mergeKey: mergeKey) ?? Int.max, offset: $0.offset, item: $0.element) }
        return ranked.sorted { ($0.rank, $0.offset) < ($1.rank, $1.offset) }.map(\.item) + deletes
    }

    /// Kubernetes' `normalizeElementOrder`: patch items in patch order, server-only items in
    /// server order, interleaved so that each server-only item stays before the first patch
    /// item it preceded in the live list.
    static func normalizeOrder(patchItems: [JSONValue], serverOnly: [JSONValue], patchOrder: [JSONValue],
                               serverOrder: [JSONValue], mergeKey: String?) -> [JSONValue] {
        let right = sortByOrder(patchItems, patchOrder, mergeKey: mergeKey)
        let left = sortByOrder(serverOnly, serverOrder, mergeKey: mergeKey)
        var out: [JSONValue] = []
        var i = 0, j = 0
        while i < left.count || j < right.count {
            if i >= left.count {
                out.append(right[j]); j += 1
            } else if j >= right.count {
                out.append(left[i]); i += 1
            } else if let li = index(of: left[i], in: serverOrder, mergeKey: mergeKey),
                      let ri = index(of: right[j], in: serverOrder, mergeKey: mergeKey), li < ri {
                out.append(left[i]); i += 1
            } else {
                out.append(right[j]); j += 1
            }
        }
        return out
    }
}

fileprivate extension Array {
    /// Splits into (elements that satisfy `belongs`, the rest), each in its original order.
    func partitioned(_ belongs: (Element) -> Bool) -> ([Element], [Element]) {
        var yes: [Element] = [], no: [Element] = []
        for element in self {
            if belongs(element) { yes.append(element) } else { no.append(element) }
        }
        return (yes, no)
    }
}
