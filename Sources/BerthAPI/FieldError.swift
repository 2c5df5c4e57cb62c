/// One validation failure, printed as Kubernetes prints `field.Error`:
/// `spec.containers[1].name: Duplicate value: "app"`.
public struct FieldError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum ErrorType: String, Sendable, Equatable {
        case required = "Required value"
        case invalid = "Invalid value"
        case duplicate = "Duplicate value"
        case notSupported = "Unsupported value"
        case forbidden = "Forbidden"
        case tooLong = "Too long"
        case notFound = "Not found"
    }

    public var type: ErrorType
    public var field: String
    /// The offending value as text; nil when Kubernetes would not print one.
    public var badValue: String?
    /// Numbers and booleans print bare, strings in double quotes, as Go's `%v` / `%q` do.
    public var badValueIsString: Bool
    public var detail: String

    public init(type: ErrorType, field: String, badValue: String? = nil, badValueIsString: Bool = true, detail: String = "") {
        self.type = type
        self.field = field
        self.badValue = badValue
        self.badValueIsString = badValueIsString
        self.detail = detail
    }

    public var description: String {
        var body = type.rawValue
        // Kubernetes never prints the value for these three types, even when it has one.
        if let badValue, type != .required, type != .forbidden, type != .tooLong {
            body += ": " + (badValueIsString ? quoted(badValue) : badValue)
        }
        if !detail.isEmpty { body += ": " + detail }
        return "\(field): \(body)"
    }

    public static func required(_ field: String, _ detail: String = "") -> FieldError {
        FieldError(type: .required, field: field, detail: detail)
    }

    public static func invalid(_ field: String, _ value: String?, _ detail: String) -> FieldError {
        FieldError(type: .invalid, field: field, badValue: value, detail: detail)
    }

    public static func invalid(_ field: String, number: Int64, _ detail: String) -> FieldError {
        FieldError(type: .invalid, field: field, badValue: String(number), badValueIsString: false, detail: detail)
    }

    public static func duplicate(_ field: String, _ value: String) -> FieldError {
        FieldError(type: .duplicate, field: field, badValue: value)
    }

    public static func notFound(_ field: String, _ value: String) -> FieldError {
        FieldError(type: .notFound, field: field, badValue: value)
    }

    public static func notSupported(_ field: String, _ value: String, supported: [String]) -> FieldError {
        let list = supported.map(quoted).joined(separator: ", ")
        return FieldError(type: .notSupported, field: field, badValue: value, detail: "supported values: \(list)")
    }

    public static func forbidden(_ field: String, _ detail: String) -> FieldError {
        FieldError(type: .forbidden, field: field, detail: detail)
    }

    public static func tooLong(_ field: String, maxLength: Int) -> FieldError {
        FieldError(type: .tooLong, field: field, detail: "may not be more than \(maxLength) bytes")
    }
}

/// Builds field paths for validation. Map keys print as `[key]`, as Kubernetes' `Path.Key` does.
struct Path: CustomStringConvertible {
    let description: String
    init(_ root: String) { description = root }
    func child(_ name: String) -> Path { Path(FieldPath.child(description, name)) }
    func index(_ i: Int) -> Path { Path(FieldPath.index(description, i)) }
    func key(_ k: String) -> Path { Path(description + "[\(k)]") }
}
