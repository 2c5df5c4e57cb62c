/// Computing strategic merge patches, as kubectl does before it sends them: two-way (edit,
/// label...) and three-way (client-side `apply`, from the last-applied configuration).
extension StrategicMergePatch {
    /// The patch that turns `original` into `modified` (`CreateTwoWayMergePatch`).
    public static func createTwoWayPatch(original: JSONValue, modified: JSONValue, kind: String) throws(PatchError) -> JSONValue {
        let differ = SMPDiffer(table: PatchSchema.table(forKind: kind))
        let options = SMPDiffer.Options(setElementOrder: true)
        return .object(try differ.diffMaps(original.objectValue ?? [:], modified.objectValue ?? [:], path: "", options))
    }

    /// The patch `kubectl apply` sends (`CreateThreeWayMergePatch` with overwrite): what changed
    /// from the live object `current` to the new manifest `modified`, ignoring fields the live
    /// object has and the manifest does not, plus deletions of fields that the last-applied
    /// configuration `original` had and `modified` dropped. `{}` means "unchanged".
    public static func createThreeWayPatch(original: JSONValue, modified: JSONValue, current: JSONValue, kind: String) throws(PatchError) -> JSONValue {
        let table = PatchSchema.table(forKind: kind)
        let differ = SMPDiffer(table: table)
        let delta = try differ.diffMaps(current.objectValue ?? [:], modified.objectValue ?? [:], path: "",
                                        SMPDiffer.Options(setElementOrder: true, ignoreDeletions: true))
        let deletions = try differ.diffMaps(original.objectValue ?? [:], modified.objectValue ?? [:], path: "",
                                            SMPDiffer.Options(setElementOrder: true, ignoreChangesAndAdditions: true))
        let merger = SMPMerger(table: table, serverSide: false)
        return .object(try merger.mergeMap(deletions, delta, path: ""))
    }
}

/// The diff half of strategic merge patch (Kubernetes' `diffMaps` and `diffLists`).
struct SMPDiffer {
    struct Options {
        var setElementOrder = false
        var ignoreChangesAndAdditions = false
        var ignoreDeletions = false
        var buildRetainKeys = false
    }

    let table: [String: PatchMeta]

    func diffMaps(_ original: [String: JSONValue], _ modified: [String: JSONValue], path: String, _ options: Options) throws(PatchError) -> [String: JSONValue] {
        var patch: [String: JSONValue] = [:]
        var retainKeys: [String] = []
        for key in modified.keys.sorted() {
            guard let newValue = modified[key] else { continue }
            if options.buildRetainKeys && !newValue.isNull { retainKeys.append(key) }
            guard let oldValue = original[key] else {
                if !options.ignoreChangesAndAdditions { patch[key] = newValue }
                continue
            }
            if key == StrategicMergePatch.directive {
                if oldValue.stringValue != newValue.stringValue { patch[key] = newValue }
                continue
            }
            if oldValue.jsonKind != newValue.jsonKind {
                if !options.ignoreChangesAndAdditions { patch[key] = newValue }
                continue
            }
            let fieldPath = SMPMerger.child(path, key)
            let meta = table[fieldPath]
            switch (oldValue, newValue) {
            case (.object(let a), .object(let b)):
                var childOptions = options
                childOptions.buildRetainKeys = meta?.retainKeys ?? false
                let sub = try diffMaps(a, b, path: fieldPath, childOptions)
                if !sub.isEmpty { patch[key] = .object(sub) }
            case (.array(let a), .array(let b)) where meta?.mergeList == true:
                var childOptions = options
                childOptions.buildRetainKeys = meta?.retainKeys ?? false
                let (changes, deletions, order) = try diffLists(a, b, path: fieldPath, mergeKey: meta?.mergeKey, childOptions)
                if !changes.isEmpty { patch[key] = .array(changes) }
                if !deletions.isEmpty { patch[StrategicMergePatch.deleteFromPrimitiveListPrefix + key] = .array(deletions) }
                if !order.isEmpty { patch[StrategicMergePatch.setElementOrderPrefix + key] = .array(order) }
            default:
                if !options.ignoreChangesAndAdditions && !oldValue.isJSONEqual(to: newValue) { patch[key] = newValue }
            }
        }
        if !options.ignoreDeletions {
            for key in original.keys where modified[key] == nil {
                patch[key] = .null
            }
        }
        let originalHasMore = original.contains { !$0.value.isNull && modified[$0.key] == nil }
        if !retainKeys.isEmpty && (!patch.isEmpty || originalHasMore) {
            patch[StrategicMergePatch.retainKeysDirective] = .array(retainKeys.sorted().map { .string($0) })
        }
        return patch
    }

    /// Returns the patch list, the parallel deletion list (primitives) and the
    /// `$setElementOrder` list for one merging list.
    func diffLists(_ original: [JSONValue], _ modified: [JSONValue], path: String, mergeKey: String?, _ options: Options)
        throws(PatchError) -> ([JSONValue], [JSONValue], [JSONValue]) {
        if original.isEmpty {
            if modified.isEmpty || options.ignoreChangesAndAdditions { return ([], [], []) }
            return (modified, [], [])
        }
        let maps = original.first?.jsonKind == 5
        if (original + modified).contains(where: { ($0.jsonKind == 5) != maps }) {
            throw PatchError(path: path, message: "list element types are not identical")
        }
        if !maps {
            var additions: [JSONValue] = []
            for item in modified where !original.contains(where: { $0.isJSONEqual(to: item) })
                && !additions.contains(where: { $0.isJSONEqual(to: item) }) {
                additions.append(item)
            }
            var deletions: [JSONValue] = []
            for item in original where !modified.contains(where: { $0.isJSONEqual(to: item) })
                && !deletions.contains(where: { $0.isJSONEqual(to: item) }) {
                deletions.append(item)
            }
            if options.ignoreChangesAndAdditions { additions = [] }
            if options.ignoreDeletions { deletions = [] }
            deletions.sort { $0.goString < $1.goString }
            var order: [JSONValue] = []
            if options.setElementOrder
                && ((!options.ignoreDeletions && !deletions.isEmpty)
                    || (!options.ignoreChangesAndAdditions && !JSONValue.array(original).isJSONEqual(to: .array(modified)))) {
                order = modified
            }
            return (SMPMerger.sortByOrder(additions, modified, mergeKey: nil), deletions, order)
        }
        guard let mergeKey else { throw PatchError(path: path, message: "cannot merge lists without merge key") }
        func key(_ item: JSONValue) throws(PatchError) -> JSONValue {
            guard let value = item[mergeKey] else {
                throw PatchError(path: path, message: "map: \(item.errorRendering) does not contain declared merge key: \(mergeKey)")
            }
            return value
        }
        var changes: [JSONValue] = []
        for item in modified {
            let keyValue = try key(item)
            if let old = original.first(where: { $0[mergeKey]?.isJSONEqual(to: keyValue) == true }) {
                var sub = try diffMaps(old.objectValue ?? [:], item.objectValue ?? [:], path: path, options)
                if !sub.isEmpty {
                    sub[mergeKey] = keyValue
                    changes.append(.object(sub))
                }
            } else if !options.ignoreChangesAndAdditions {
                changes.append(item)
            }
        }
        var deletions: [JSONValue] = []
        if !options.ignoreDeletions {
            for item in original {
                let keyValue = try key(item)
                if !modified.contains(where: { $0[mergeKey]?.isJSONEqual(to: keyValue) == true }) {
                    deletions.append(.object([mergeKey: keyValue, StrategicMergePatch.directive: .string("delete")]))
                }
            }
            deletions.sort { ($0[mergeKey]?.goString ?? "") < ($1[mergeKey]?.goString ?? "") }
        }
        let sameOrder = original.count == modified.count
            && zip(original, modified).allSatisfy { a, b in a[mergeKey].map { k in b[mergeKey]?.isJSONEqual(to: k) == true } ?? false }
        let all = changes + deletions
        var order: [JSONValue] = []
        if options.setElementOrder
            && ((!options.ignoreChangesAndAdditions && (!all.isEmpty || !sameOrder))
                || (!options.ignoreDeletions && !all.isEmpty)) {
            order = modified.map { .object([mergeKey: $0[mergeKey] ?? .null]) }
        }
        return (all, [], order)
    }
}
