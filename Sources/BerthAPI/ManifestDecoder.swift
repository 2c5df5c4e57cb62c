import Yams

/// One document of a YAML stream, converted to JSON form, with where each field path was written.
public struct ManifestDocument: Sendable, Equatable {
    /// 1-based position in the stream, counting empty documents, so that it matches what a user
    /// sees when counting `---` separators.
    public let index: Int
    public let apiVersion: String?
    public let kind: String?
    public let value: JSONValue
    /// Source positions keyed by field path (`spec.containers[0].image`).
    public let positions: [String: SourcePosition]

    public init(index: Int, value: JSONValue, positions: [String: SourcePosition] = [:]) {
        self.index = index
        self.value = value
        self.positions = positions
        self.apiVersion = value["apiVersion"]?.stringValue
        self.kind = value["kind"]?.stringValue
    }

    /// Where `path` was written, or its nearest written ancestor (a missing field has no
    /// position of its own, but the object that lacks it does).
    public func position(of path: String) -> SourcePosition? {
        var current = path
        while true {
            if let found = positions[current] { return found }
            guard let cut = current.lastIndex(where: { $0 == "." || $0 == "[" }) else { return positions[""] }
            current = String(current[..<cut])
        }
    }
}

public enum ManifestDecoder {
    /// Splits a YAML (or JSON) stream into documents, skipping empty ones such as the one after
    /// a trailing `---`.
    public static func decodeDocuments(yaml: String) throws(ManifestError) -> [ManifestDocument] {
        try parseDocuments(yaml: yaml).filter { !$0.value.isNull }
    }

    static func parseDocuments(yaml: String) throws(ManifestError) -> [ManifestDocument] {
        var documents: [ManifestDocument] = []
        do {
            var nodes = try Yams.compose_all(yaml: yaml)
            while let node = nodes.next() {
                var reader = YAMLReader()
                let value = try reader.convert(node, path: "")
                documents.append(ManifestDocument(index: documents.count + 1, value: value, positions: reader.positions))
            }
            if let error = nodes.error { throw error }
        } catch let error as ManifestError {
            var located = error
            located.documentIndex = documents.count + 1
            throw located
        } catch {
            throw syntaxError(error, documentIndex: documents.count + 1)
        }
        return documents
    }

    /// Decodes `type` from a JSON tree with Kubernetes' rules: a field the type does not have is
    /// an error when `strict`, otherwise a warning; a value of the wrong shape is always an error.
    /// Both name the field path.
    public static func decode<T: Decodable>(_ type: T.Type, from value: JSONValue, strict: Bool)
        throws(ManifestError) -> (value: T, warnings: [String])
    {
        let (decoded, unknown) = try decodeRecording(type, from: value)
        return (decoded, try report(unknown, strict: strict))
    }

    /// As `decode(_:from:strict:)`, with the document's index and source line in any error, and
    /// unknown fields listed in the order they were written.
    public static func decode<T: Decodable>(_ type: T.Type, from document: ManifestDocument, strict: Bool)
        throws(ManifestError) -> (value: T, warnings: [String])
    {
        do {
            var (decoded, unknown) = try decodeRecording(type, from: document.value)
            unknown = sortedBySource(unknown, in: document)
            return (decoded, try report(unknown, strict: strict))
        } catch {
            throw locate(error, in: document)
        }
    }

    static func decodeRecording<T: Decodable>(_ type: T.Type, from value: JSONValue)
        throws(ManifestError) -> (value: T, unknownFields: [String])
    {
        let recorder = FieldRecorder()
        do {
            let decoded = try unbox(type, value, [], recorder)
            return (decoded, recorder.unknownFields())
        } catch {
            throw describe(error)
        }
    }

    static func report(_ unknown: [String], strict: Bool) throws(ManifestError) -> [String] {
        let messages = unknown.map { "unknown field \(quoted($0))" }
        if strict, let first = unknown.first {
            throw ManifestError(kind: .unknownField, message: messages.joined(separator: ", "), fieldPath: first)
        }
        return messages
    }

    static func sortedBySource(_ paths: [String], in document: ManifestDocument) -> [String] {
        let keyed = paths.enumerated().map { offset, path in
            (path, document.positions[path].map { ($0.line, $0.column) } ?? (Int.max, offset))
        }
        return keyed.sorted { $0.1 < $1.1 }.map(\.0)
    }

    static func locate(_ error: ManifestError, in document: ManifestDocument) -> ManifestError {
        var located = error
        located.documentIndex = document.index
        if located.line == nil, let path = error.fieldPath, let position = document.position(of: path) {
            located.line = position.line
            located.column = position.column
        }
        return located
    }

    private static func describe(_ error: any Error) -> ManifestError {
        let path: [any CodingKey]
        let message: String
        switch error {
        case let error as ValueDecodingError:
            path = error.codingPath
            message = error.message
        case DecodingError.dataCorrupted(let context),
             DecodingError.typeMismatch(_, let context),
             DecodingError.valueNotFound(_, let context):
            path = context.codingPath
            message = context.debugDescription
        case DecodingError.keyNotFound(let key, let context):
            path = context.codingPath + [key]
            message = "Required value"
        default:
            path = []
            message = "\(error)"
        }
        let field = FieldPath.format(path)
        return ManifestError(kind: .invalidValue, message: field.isEmpty ? message : "\(field): \(message)",
                             fieldPath: field)
    }

    private static func syntaxError(_ error: any Error, documentIndex: Int) -> ManifestError {
        guard let yamlError = error as? YamlError else {
            return ManifestError(kind: .syntax, message: "invalid YAML: \(error)", documentIndex: documentIndex)
        }
        switch yamlError {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            var message = "invalid YAML: \(problem)"
            if let context {
                message += " (\(context.text) at line \(context.mark.line), column \(context.mark.column))"
            }
            return ManifestError(kind: .syntax, message: message, documentIndex: documentIndex,
                                 line: mark.line, column: mark.column)
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map(quoted).joined(separator: ", ")
            return ManifestError(kind: .duplicateField, message: "duplicate key \(keys) in one mapping",
                                 documentIndex: documentIndex, line: context.mark.line, column: context.mark.column)
        case .reader(let problem, _, _, _):
            return ManifestError(kind: .syntax, message: "invalid YAML input: \(problem)", documentIndex: documentIndex)
        default:
            return ManifestError(kind: .syntax, message: "invalid YAML: \(yamlError)", documentIndex: documentIndex)
        }
    }
}
