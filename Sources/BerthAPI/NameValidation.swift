/// Kubernetes' name grammars (apimachinery `util/validation`). Each returns the list of problems
/// in Kubernetes' words, empty when the value is valid. Hand-written scanners rather than regular
/// expressions: the grammars are small and this keeps BerthAPI free of regex engines.
public enum NameValidation {
    static let dns1123LabelMessage = regexMessage(
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
        examples: ["my-name", "123-abc"], regex: "[a-z0-9]([-a-z0-9]*[a-z0-9])?")
    static let dns1123SubdomainMessage = regexMessage(
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
        examples: ["example.com"], regex: "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
    static let qualifiedNameMessage = regexMessage(
        "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
        examples: ["MyName", "my.name", "123-abc"], regex: "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]")
    static let labelValueMessage = regexMessage(
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
        examples: ["MyValue", "my_value", "12345"], regex: "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?")

    /// Kubernetes joins examples with ", " and " or ", which gives its messages their double space.
    private static func regexMessage(_ text: String, examples: [String], regex: String) -> String {
        var s = text + " (e.g. "
        for (i, example) in examples.enumerated() {
            if i > 0 { s += " or " }
            s += "'\(example)', "
        }
        return s + "regex used for validation is '\(regex)')"
    }

    private static func maxLength(_ n: Int) -> String { "must be no more than \(n) characters" }

    private static func isLowerAlnum(_ c: Character) -> Bool {
        c.isASCII && (c.isLowercase || c.isNumber)
    }

    private static func isAlnum(_ c: Character) -> Bool {
        c.isASCII && (c.isLetter || c.isNumber)
    }

    static func isLabelShaped(_ s: Substring) -> Bool {
        guard let first = s.first, let last = s.last, isLowerAlnum(first), isLowerAlnum(last) else { return false }
        return s.allSatisfy { isLowerAlnum($0) || $0 == "-" }
    }

    /// A DNS-1123 label: container, port-less names, namespaces (at most 63 characters).
    public static func dns1123Label(_ value: String) -> [String] {
        var errors: [String] = []
        if value.count > 63 { errors.append(maxLength(63)) }
        if !isLabelShaped(Substring(value)) { errors.append(dns1123LabelMessage) }
        return errors
    }

    /// A DNS-1123 subdomain: object names (at most 253 characters).
    public static func dns1123Subdomain(_ value: String) -> [String] {
        var errors: [String] = []
        if value.count > 253 { errors.append(maxLength(253)) }
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        if value.isEmpty || !parts.allSatisfy(isLabelShaped) { errors.append(dns1123SubdomainMessage) }
        return errors
    }

    /// A qualified name: label and annotation keys, `[prefix/]name`.
    public static func qualifiedName(_ value: String) -> [String] {
        let parts = value.split(separator: "/", omittingEmptySubsequences: false)
        let name: Substring
        var errors: [String] = []
        switch parts.count {
        case 1:
            name = parts[0]
        case 2:
            let prefix = String(parts[0])
            name = parts[1]
            if prefix.isEmpty {
                errors.append("prefix part must be non-empty")
            } else {
                errors += dns1123Subdomain(prefix).map { "prefix part " + $0 }
            }
        default:
            return [qualifiedNameMessage.replacingOccurrences(of: "name part must", with: "a qualified name must")
                + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"]
        }
        if name.isEmpty {
            errors.append("name part must be non-empty")
        } else if name.count > 63 {
            errors.append("name part " + maxLength(63))
        }
        if !name.isEmpty, !isQualifiedNamePart(name) { errors.append(qualifiedNameMessage) }
        return errors
    }

    private static func isQualifiedNamePart(_ s: Substring) -> Bool {
        guard let first = s.first, let last = s.last, isAlnum(first), isAlnum(last) else { return false }
        return s.allSatisfy { isAlnum($0) || $0 == "-" || $0 == "_" || $0 == "." }
    }

    /// A label value: empty, or like a qualified name's name part (at most 63 characters).
    public static func labelValue(_ value: String) -> [String] {
        var errors: [String] = []
        if value.count > 63 { errors.append(maxLength(63)) }
        if !value.isEmpty, !isQualifiedNamePart(Substring(value)) { errors.append(labelValueMessage) }
        return errors
    }

    /// An IANA service name, as used for named ports.
    public static func portName(_ value: String) -> [String] {
        var errors: [String] = []
        if value.count > 15 { errors.append(maxLength(15)) }
        if !value.allSatisfy({ isLowerAlnum($0) || $0 == "-" }) {
            errors.append("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
        }
        if !value.contains(where: { $0.isASCII && $0.isLowercase }) {
            errors.append("must contain at least one letter (a-z)")
        }
        if value.contains("--") { errors.append("must not contain consecutive hyphens") }
        if value.hasPrefix("-") || value.hasSuffix("-") { errors.append("must not begin or end with a hyphen") }
        return errors
    }

    /// `1...65535`.
    public static func portNumber(_ value: Int64) -> [String] {
        (1...65535).contains(value) ? [] : ["must be between 1 and 65535, inclusive"]
    }
}
