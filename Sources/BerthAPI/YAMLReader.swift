import Yams

/// Turns a Yams node tree into a `JSONValue`, as Kubernetes' YAML-to-JSON step does, and keeps
/// the source position of every field path for error messages.
struct YAMLReader {
    private(set) var positions: [String: SourcePosition] = [:]

    mutating func convert(_ node: Yams.Node, path: String) throws(ManifestError) -> JSONValue {
        record(path, node.mark)
        switch node {
        case .scalar(let scalar):
            return Self.scalarValue(scalar, node: node)
        case .sequence(let sequence):
            var items: [JSONValue] = []
            for (i, item) in sequence.enumerated() {
                items.append(try convert(item, path: FieldPath.index(path, i)))
            }
            return .array(items)
        case .mapping(let mapping):
            return try convertMapping(mapping, path: path)
        case .alias:
            // Yams resolves aliases while composing; an unresolved one is an undefined anchor.
            throw ManifestError(kind: .syntax, message: "undefined YAML alias", line: node.mark?.line, column: node.mark?.column)
        }
    }

    private mutating func convertMapping(_ mapping: Yams.Node.Mapping, path: String) throws(ManifestError) -> JSONValue {
        var fields: [String: JSONValue] = [:]
        var merged: [Yams.Node] = []
        for (keyNode, valueNode) in mapping {
            if keyNode.tag.description == Tag.Name.merge.rawValue {
                merged.append(valueNode)
                continue
            }
            guard case .scalar(let keyScalar) = keyNode else {
                throw ManifestError(kind: .syntax, message: "mapping keys must be strings, not a \(keyNode.sequence == nil ? "mapping" : "sequence")",
                                    line: keyNode.mark?.line, column: keyNode.mark?.column, fieldPath: path)
            }
            let key = keyScalar.string
            let childPath = FieldPath.child(path, key)
            let value = try convert(valueNode, path: childPath)
            record(childPath, keyNode.mark)
            fields[key] = value
        }
        // Merge keys (`<<: *base`) fill in only what the mapping does not set itself.
        for source in merged {
            let sources = source.sequence.map { Array($0) } ?? [source]
            for item in sources {
                guard case .object(let extra) = try convert(item, path: path) else {
                    throw ManifestError(kind: .syntax, message: "a merge key (<<) must refer to a mapping",
                                        line: item.mark?.line, column: item.mark?.column, fieldPath: path)
                }
                for (key, value) in extra where fields[key] == nil { fields[key] = value }
            }
        }
        return .object(fields)
    }

    private mutating func record(_ path: String, _ mark: Mark?) {
        if let mark { positions[path] = SourcePosition(line: mark.line, column: mark.column) }
    }

    private static func scalarValue(_ scalar: Yams.Node.Scalar, node: Yams.Node) -> JSONValue {
        switch node.tag.description {
        case Tag.Name.null.rawValue:
            return .null
        case Tag.Name.bool.rawValue:
            return node.bool.map(JSONValue.bool) ?? .string(scalar.string)
        case Tag.Name.int.rawValue:
            if let i = node.int { return .int(Int64(i)) }
            if let d = node.float { return .double(d) }
            return .string(scalar.string)
        case Tag.Name.float.rawValue:
            return node.float.map(JSONValue.double) ?? .string(scalar.string)
        default:
            // Strings, and timestamps, which Kubernetes keeps as RFC 3339 text.
            return .string(scalar.string)
        }
    }
}

/// A 1-based line and column in the source text.
public struct SourcePosition: Sendable, Equatable, Hashable {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }
}
