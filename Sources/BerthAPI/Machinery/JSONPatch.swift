/// JSON Patch (RFC 6902), `application/json-patch+json`: a list of add, remove, replace, move,
/// copy and test operations addressed by JSON Pointers (RFC 6901). Operations apply in order and
/// the whole patch fails if one does.
public enum JSONPatch {
    public static func apply(_ operations: JSONValue, to original: JSONValue) throws(PatchError) -> JSONValue {
        guard case .array(let ops) = operations else {
            throw PatchError(message: "json patch must be a list of operations")
        }
        var doc = original
        for (index, operation) in ops.enumerated() {
            doc = try applyOne(operation, index: index, to: doc)
        }
        return doc
    }

    private static func applyOne(_ operation: JSONValue, index: Int, to doc: JSONValue) throws(PatchError) -> JSONValue {
        guard case .object(let fields) = operation else {
            throw PatchError(message: "json patch operation \(index) is not an object")
        }
        guard let op = fields["op"]?.stringValue else {
            throw PatchError(message: "json patch operation \(index) has no \"op\"")
        }
        guard let path = fields["path"]?.stringValue else {
            throw PatchError(op: op, message: "missing \"path\"")
        }
        let tokens = try pointer(path, op: op)
        func value() throws(PatchError) -> JSONValue {
            // An explicit null is a value; only an absent member is an error.
            guard let v = fields["value"] else { throw PatchError(op: op, path: path, message: "missing \"value\"") }
            return v
        }
        func from() throws(PatchError) -> (String, [String]) {
            guard let from = fields["from"]?.stringValue else {
                throw PatchError(op: op, path: path, message: "missing \"from\"")
            }
            return (from, try pointer(from, op: op))
        }
        switch op {
        case "add":
            return try add(try value(), at: tokens, in: doc, op: op, path: path)
        case "remove":
            return try remove(at: tokens, in: doc, op: op, path: path).doc
        case "replace":
            let v = try value()
            // Replace requires the target to exist; "-" never does.
            _ = try get(tokens, in: doc, op: op, path: path)
            if tokens.isEmpty { return v }
            let removed = try remove(at: tokens, in: doc, op: op, path: path).doc
            return try add(v, at: tokens, in: removed, op: op, path: path)
        case "move":
            let (fromPath, fromTokens) = try from()
            if fromTokens == tokens { return doc }
            if tokens.count > fromTokens.count, Array(tokens.prefix(fromTokens.count)) == fromTokens {
                throw PatchError(op: op, path: path, message: "cannot move \(quoted(fromPath)) into one of its children")
            }
            let (rest, moved) = try remove(at: fromTokens, in: doc, op: op, path: fromPath)
            return try add(moved, at: tokens, in: rest, op: op, path: path)
        case "copy":
            let (fromPath, fromTokens) = try from()
            let copied = try get(fromTokens, in: doc, op: op, path: fromPath)
            return try add(copied, at: tokens, in: doc, op: op, path: path)
        case "test":
            let expected = try value()
            let actual = try get(tokens, in: doc, op: op, path: path)
            guard actual.isJSONEqual(to: expected) else {
                throw PatchError(op: op, path: path, message: "test failed: value is \(actual.errorRendering)")
            }
            return doc
        default:
            throw PatchError(op: op, path: path, message: "unknown operation \(quoted(op))")
        }
    }

    /// RFC 6901: "" is the whole document; otherwise "/"-separated tokens with `~1` → `/` and `~0` → `~`.
    static func pointer(_ path: String, op: String) throws(PatchError) -> [String] {
        if path.isEmpty { return [] }
        guard path.hasPrefix("/") else {
            throw PatchError(op: op, path: path, message: "a JSON pointer must be empty or start with \"/\"")
        }
        return path.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
            $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        }
    }

    /// An array index as RFC 6901 spells it: digits, no leading zero.
    private static func arrayIndex(_ token: String) -> Int? {
        guard !token.isEmpty, token.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        if token.count > 1, token.hasPrefix("0") { return nil }
        return Int(token)
    }

    private static func missing(_ op: String, _ path: String) -> PatchError {
        PatchError(op: op, path: path, message: "doc is missing path")
    }

    static func get(_ tokens: [String], in doc: JSONValue, op: String, path: String) throws(PatchError) -> JSONValue {
        var current = doc
        for token in tokens {
            switch current {
            case .object(let fields):
                guard let next = fields[token] else { throw missing(op, path) }
                current = next
            case .array(let items):
                guard let i = arrayIndex(token), i < items.count else { throw missing(op, path) }
                current = items[i]
            default:
                throw missing(op, path)
            }
        }
        return current
    }

    /// Rebuilds `doc` with the container at `tokens.dropLast()` changed by `body`.
    private static func update(
        _ doc: JSONValue, _ tokens: ArraySlice<String>, op: String, path: String,
        _ body: (inout JSONValue, String) throws(PatchError) -> Void
    ) throws(PatchError) -> JSONValue {
        guard let first = tokens.first else { throw missing(op, path) }
        var container = doc
        if tokens.count == 1 {
            try body(&container, first)
            return container
        }
        switch container {
        case .object(var fields):
            guard let child = fields[first] else { throw missing(op, path) }
            fields[first] = try update(child, tokens.dropFirst(), op: op, path: path, body)
            return .object(fields)
        case .array(var items):
            guard let i = arrayIndex(first), i < items.count else { throw missing(op, path) }
            items[i] = try update(items[i], tokens.dropFirst(), op: op, path: path, body)
            return .array(items)
        default:
            throw missing(op, path)
        }
    }

    static func add(_ value: JSONValue, at tokens: [String], in doc: JSONValue, op: String, path: String) throws(PatchError) -> JSONValue {
        if tokens.isEmpty { return value }
        return try update(doc, tokens[...], op: op, path: path) { (container: inout JSONValue, last: String) throws(PatchError) in
            switch container {
            case .object(var fields):
                fields[last] = value
                container = .object(fields)
            case .array(var items):
                if last == "-" {
                    items.append(value)
                } else {
                    guard let i = arrayIndex(last), i <= items.count else {
                        throw PatchError(op: op, path: path, message: "index out of bounds")
                    }
                    items.insert(value, at: i)
                }
                container = .array(items)
            default:
                throw missing(op, path)
            }
        }
    }

    static func remove(at tokens: [String], in doc: JSONValue, op: String, path: String) throws(PatchError) -> (doc: JSONValue, removed: JSONValue) {
        guard !tokens.isEmpty else {
            throw PatchError(op: op, path: path, message: "cannot remove the whole document")
        }
        var removed = JSONValue.null
        let result = try update(doc, tokens[...], op: op, path: path) { (container: inout JSONValue, last: String) throws(PatchError) in
            switch container {
            case .object(var fields):
                guard let value = fields.removeValue(forKey: last) else { throw missing(op, path) }
                removed = value
                container = .object(fields)
            case .array(var items):
                guard let i = arrayIndex(last), i < items.count else { throw missing(op, path) }
                removed = items.remove(at: i)
                container = .array(items)
            default:
                throw missing(op, path)
            }
        }
        return (result, removed)
    }
}
