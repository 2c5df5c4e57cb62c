/// One `field=value` or `field!=value` term of a field selector.
public struct FieldRequirement: Sendable, Equatable, CustomStringConvertible {
    public enum Operator: String, Sendable, Equatable {
        case equals = "="
        case notEquals = "!="
    }

    public var field: String
    public var op: Operator
    /// Unescaped.
    public var value: String

    public init(field: String, op: Operator, value: String) {
        self.field = field
        self.op = op
        self.value = value
    }

    public var description: String { field + op.rawValue + FieldSelector.escape(value) }
}

/// A Kubernetes field selector (`fields.ParseSelector`): comma-separated `f=v`, `f==v`, `f!=v`
/// terms, ANDed. In values, `\,`, `\=` and `\\` stand for the literal characters.
public struct FieldSelector: Sendable, Equatable, CustomStringConvertible {
    public private(set) var requirements: [FieldRequirement]

    public static let everything = FieldSelector(requirements: [])

    public init(requirements: [FieldRequirement]) {
        self.requirements = requirements
    }

    public init(parsing text: String) throws(SelectorError) {
        // Kubernetes sorts the raw terms, which makes the order of requirements canonical.
        var result: [FieldRequirement] = []
        for term in Self.splitTerms(text).sorted() where !term.isEmpty {
            guard let (lhs, op, rhs) = Self.splitTerm(term) else {
                throw SelectorError("invalid selector: '\(text)'; can't understand '\(term)'")
            }
            result.append(FieldRequirement(field: lhs, op: op, value: try Self.unescape(rhs)))
        }
        requirements = result
    }

    public var isEmpty: Bool { requirements.isEmpty }

    /// `value(field)` gives the object's value of a field; a missing field counts as "".
    public func matches(_ value: (String) -> String?) -> Bool {
        requirements.allSatisfy { r in
            let actual = value(r.field) ?? ""
            return r.op == .equals ? actual == r.value : actual != r.value
        }
    }

    /// The value an `=` term pins `field` to, if any (`RequiresExactMatch`).
    public func requiresExactMatch(_ field: String) -> String? {
        requirements.first { $0.field == field && $0.op == .equals }?.value
    }

    /// Rejects fields the resource does not index, as the apiserver's field label conversion does.
    public func validate(supportedFields: Set<String>) throws(SelectorError) {
        if let bad = requirements.first(where: { !supportedFields.contains($0.field) }) {
            throw SelectorError(Self.notSupportedMessage(bad.field))
        }
    }

    /// The apiserver's message for a field it cannot select on.
    public static func notSupportedMessage(_ field: String) -> String {
        "field label not supported: \(field)"
    }

    public var description: String {
        requirements.map(\.description).joined(separator: ",")
    }

    /// `fields.EscapeValue`.
    public static func escape(_ value: String) -> String {
        var out = ""
        for c in value {
            if c == "\\" || c == "," || c == "=" { out.append("\\") }
            out.append(c)
        }
        return out
    }

    /// Splits on commas that are not escaped; the backslashes stay for `unescape`.
    static func splitTerms(_ text: String) -> [String] {
        guard !text.isEmpty else { return [] }
        var terms: [String] = []
        var current = ""
        var escaped = false
        for c in text {
            if escaped {
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else if c == "," {
                terms.append(current)
                current = ""
                continue
            }
            current.append(c)
        }
        terms.append(current)
        return terms
    }

    /// The first operator in the term splits it; `!=` and `==` are tried before `=` at each position.
    static func splitTerm(_ term: String) -> (String, FieldRequirement.Operator, String)? {
        var index = term.startIndex
        while index < term.endIndex {
            let rest = term[index...]
            if rest.hasPrefix("!=") {
                return (String(term[..<index]), .notEquals, String(rest.dropFirst(2)))
            }
            if rest.hasPrefix("==") {
                return (String(term[..<index]), .equals, String(rest.dropFirst(2)))
            }
            if rest.hasPrefix("=") {
                return (String(term[..<index]), .equals, String(rest.dropFirst(1)))
            }
            index = term.index(after: index)
        }
        return nil
    }

    static func unescape(_ value: String) throws(SelectorError) -> String {
        var out = ""
        var escaped = false
        for c in value {
            if escaped {
                guard c == "\\" || c == "," || c == "=" else {
                    throw SelectorError("invalid field selector: invalid escape sequence: \\\(c)")
                }
                out.append(c)
                escaped = false
                continue
            }
            switch c {
            case "\\":
                escaped = true
            case ",", "=":
                // Go prints the rune with %v, i.e. as its code point.
                throw SelectorError("invalid field selector: unescapedRune character in value: \(c == "," ? 44 : 61)")
            default:
                out.append(c)
            }
        }
        if escaped { throw SelectorError("invalid field selector: invalid escape sequence: \\") }
        return out
    }
}
