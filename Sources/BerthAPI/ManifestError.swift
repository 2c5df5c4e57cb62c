/// Why a manifest could not be read: one sentence that names the document, the line where known,
/// and the field path, e.g. `document 2: line 9, column 7: unknown field "spec.containers[0].imagee"`.
public struct ManifestError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The text is not valid YAML or JSON.
        case syntax
        /// A field the type does not have (strict decoding only).
        case unknownField
        /// A duplicated key in one object (strict decoding only).
        case duplicateField
        /// A value of the wrong type or shape, such as a malformed quantity.
        case invalidValue
        /// `apiVersion` or `kind` is missing.
        case missingField
        /// The document is of a kind this caller does not accept.
        case unsupportedKind
    }

    public var kind: Kind
    /// The message without location, e.g. `unknown field "spec.containers[0].imagee"`.
    public var message: String
    /// 1-based position of the document in the YAML stream, counting empty documents.
    public var documentIndex: Int?
    /// 1-based source position, when the input was YAML and the failing field was found in it.
    public var line: Int?
    public var column: Int?
    /// The field path the error is about, when it is about one (`spec.containers[0].image`).
    public var fieldPath: String?

    public init(kind: Kind, message: String, documentIndex: Int? = nil, line: Int? = nil,
                column: Int? = nil, fieldPath: String? = nil) {
        self.kind = kind
        self.message = message
        self.documentIndex = documentIndex
        self.line = line
        self.column = column
        self.fieldPath = fieldPath
    }

    public var description: String {
        var prefix = ""
        if let documentIndex { prefix += "document \(documentIndex): " }
        if let line {
            prefix += "line \(line)"
            if let column { prefix += ", column \(column)" }
            prefix += ": "
        }
        return prefix + message
    }
}
