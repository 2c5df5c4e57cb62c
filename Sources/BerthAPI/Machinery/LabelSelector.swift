/// A Kubernetes label selector (`labels.Selector`): an AND of requirements on an object's labels.
///
/// Built from the query-string grammar (`app=web,tier in (a,b),!canary`) or from a
/// `metav1.LabelSelector` (`matchLabels` + `matchExpressions`). Requirements are kept sorted by
/// key, as Kubernetes keeps them, so `description` is canonical.
public struct LabelSelector: Sendable, Equatable, CustomStringConvertible {
    public enum Operator: String, Sendable, Equatable {
        case equals = "="
        case doubleEquals = "=="
        case notEquals = "!="
        case `in` = "in"
        case notIn = "notin"
        case exists = "exists"
        case doesNotExist = "!"
        case greaterThan = "gt"
        case lessThan = "lt"
    }

    public struct Requirement: Sendable, Equatable, CustomStringConvertible {
        public var key: String
        public var op: Operator
        /// Sorted and unique when parsed from a string, as given when built from metav1.
        public var values: [String]

        /// An unvalidated requirement; use `init(parsing:)` or `init(metaV1:)` for user input.
        public init(key: String, op: Operator, values: [String] = []) {
            self.key = key
            self.op = op
            self.values = values
        }

        public func matches(_ labels: [String: String]) -> Bool {
            let value = labels[key]
            switch op {
            case .equals, .doubleEquals, .in:
                guard let value else { return false }
                return values.contains(value)
            case .notEquals, .notIn:
                guard let value else { return true }
                return !values.contains(value)
            case .exists:
                return value != nil
            case .doesNotExist:
                return value == nil
            case .greaterThan, .lessThan:
                guard let value, let actual = Int64(value), values.count == 1, let bound = Int64(values[0]) else {
                    return false
                }
                return op == .greaterThan ? actual > bound : actual < bound
            }
        }

        /// Kubernetes' `Requirement.String()`: several values print sorted.
        public var description: String {
            var out = op == .doesNotExist ? "!" + key : key
            switch op {
            case .exists, .doesNotExist: return out
            case .equals: out += "="
            case .doubleEquals: out += "=="
            case .notEquals: out += "!="
            case .in: out += " in "
            case .notIn: out += " notin "
            case .greaterThan: out += ">"
            case .lessThan: out += "<"
            }
            let list = values.count == 1 ? values[0] : values.sorted().joined(separator: ",")
            return (op == .in || op == .notIn) ? out + "(" + list + ")" : out + list
        }
    }

    public private(set) var requirements: [Requirement]
    /// True only for a selector built from a null metav1 selector, which selects nothing.
    public private(set) var matchesNothing: Bool

    /// The selector that matches every object.
    public static let everything = LabelSelector(requirements: [], matchesNothing: false)
    /// The selector that matches no object (a missing metav1 selector).
    public static let nothing = LabelSelector(requirements: [], matchesNothing: true)

    public init(requirements: [Requirement], matchesNothing: Bool = false) {
        // Stable sort by key: Kubernetes sorts by key only, so ties keep their written order.
        self.requirements = requirements.enumerated()
            .sorted { $0.element.key != $1.element.key ? $0.element.key < $1.element.key : $0.offset < $1.offset }
            .map(\.element)
        self.matchesNothing = matchesNothing
    }

    /// Parses the query-string grammar (`labels.Parse`). The empty string selects everything.
    public init(parsing text: String) throws(SelectorError) {
        var parser = LabelSelectorParser(text)
        self.init(requirements: try parser.parse())
    }

    /// An equality selector, as `labels.SelectorFromSet` builds (no validation).
    public init(matchLabels: [String: String]) {
        self.init(requirements: matchLabels.map { Requirement(key: $0.key, op: .equals, values: [$0.value]) })
    }

    /// Builds the selector of a `metav1.LabelSelector` (`LabelSelectorAsSelector`): null selects
    /// nothing, `{}` selects everything.
    public init(metaV1 json: JSONValue) throws(SelectorError) {
        guard case .object(let fields) = json else {
            if json.isNull {
                self = .nothing
                return
            }
            throw SelectorError("label selector must be an object")
        }
        var requirements: [Requirement] = []
        if let matchLabels = fields["matchLabels"], !matchLabels.isNull {
            guard case .object(let labels) = matchLabels else {
                throw SelectorError("matchLabels must be a map of strings")
            }
            for key in labels.keys.sorted() {
                guard let value = labels[key]?.stringValue else {
                    throw SelectorError("matchLabels must be a map of strings")
                }
                requirements.append(try LabelSelector.requirement(key, .equals, [value]))
            }
        }
        if let expressions = fields["matchExpressions"], !expressions.isNull {
            guard case .array(let items) = expressions else {
                throw SelectorError("matchExpressions must be a list")
            }
            for item in items {
                let key = item["key"]?.stringValue ?? ""
                let opName = item["operator"]?.stringValue ?? ""
                let values = (item["values"]?.arrayValue ?? []).compactMap(\.stringValue)
                let op: Operator
                switch opName {
                case "In": op = .in
                case "NotIn": op = .notIn
                case "Exists": op = .exists
                case "DoesNotExist": op = .doesNotExist
                default: throw SelectorError("\(quoted(opName)) is not a valid label selector operator")
                }
                requirements.append(try LabelSelector.requirement(key, op, values))
            }
        }
        self.init(requirements: requirements)
    }

    /// True when the selector does not restrict anything (`Selector.Empty()`).
    public var isEmpty: Bool { requirements.isEmpty && !matchesNothing }

    public func matches(_ labels: [String: String]) -> Bool {
        if matchesNothing { return false }
        return requirements.allSatisfy { $0.matches(labels) }
    }

    /// The canonical string form (`Selector.String()`): requirements sorted by key, comma-joined.
    public var description: String {
        requirements.map(\.description).joined(separator: ",")
    }

    /// The value a requirement pins `key` to, if any (`RequiresExactMatch`).
    public func requiresExactMatch(_ key: String) -> String? {
        guard let r = requirements.first(where: { $0.key == key }) else { return nil }
        switch r.op {
        case .equals, .doubleEquals, .in: return r.values.count == 1 ? r.values[0] : nil
        default: return nil
        }
    }

    /// `labels.NewRequirement` with its validation. Errors read as Kubernetes' field errors with
    /// the paths it uses when no base path is given (`key`, `values`, `values[0][app]`).
    static func requirement(_ key: String, _ op: Operator, _ values: [String], keyPath: String = "key") throws(SelectorError) -> Requirement {
        var errors: [String] = []
        if let keyError = validateKey(key, path: keyPath) { errors.append(keyError) }
        let listValue = "[]string{" + values.map(quoted).joined(separator: ", ") + "}"
        switch op {
        case .in, .notIn:
            if values.isEmpty {
                errors.append("values: Invalid value: \(listValue): for 'in', 'notin' operators, values set can't be empty")
            }
        case .equals, .doubleEquals, .notEquals:
            if values.count != 1 {
                errors.append("values: Invalid value: \(listValue): exact-match compatibility requires one single value")
            }
        case .exists, .doesNotExist:
            if !values.isEmpty {
                errors.append("values: Invalid value: \(listValue): values set must be empty for exists and does not exist")
            }
        case .greaterThan, .lessThan:
            if values.count != 1 {
                errors.append("values: Invalid value: \(listValue): for 'Gt', 'Lt' operators, exactly one value is required")
            }
            for (i, v) in values.enumerated() where Int64(v) == nil {
                errors.append("values[\(i)]: Invalid value: \(quoted(v)): for 'Gt', 'Lt' operators, the value must be an integer")
            }
        }
        for (i, v) in values.enumerated() {
            let problems = NameValidation.labelValue(v)
            if !problems.isEmpty {
                errors.append("values[\(i)][\(key)]: Invalid value: \(quoted(v)): " + problems.joined(separator: "; "))
            }
        }
        if !errors.isEmpty { throw SelectorError(aggregateErrorMessages(errors)) }
        return Requirement(key: key, op: op, values: values)
    }

    static func validateKey(_ key: String, path: String) -> String? {
        let problems = NameValidation.qualifiedName(key)
        guard !problems.isEmpty else { return nil }
        return "\(path): Invalid value: \(quoted(key)): " + problems.joined(separator: "; ")
    }
}

/// Go's `utilerrors.Aggregate.Error()`: one message bare, several de-duplicated in brackets.
func aggregateErrorMessages(_ messages: [String]) -> String {
    var seen = Set<String>()
    let unique = messages.filter { seen.insert($0).inserted }
    if unique.count == 1 { return unique[0] }
    return "[" + unique.joined(separator: ", ") + "]"
}
