/// A label or field selector that does not parse or validate. `description` is the message the
/// kube-apiserver puts in its 400 BadRequest Status, so the API layer can pass it through as is.
public struct SelectorError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
