import Foundation

/// A query string decoded as `application/x-www-form-urlencoded`, as Go's `url.Values`
/// encodes it: kubectl sends `command=sh&command=-c&command=echo+hi` (a space is `+`), which a
/// plain percent-decoder would hand to the container as `echo+hi`, and
/// `labelSelector=app+notin+%28web%29`, which would not parse. Both the API server and the
/// agent's endpoint read queries with it.
public struct FormQuery: Sendable, Equatable {
    private var pairs: [(String, String)]

    public init(_ query: String?) {
        pairs = (query ?? "").split(separator: "&", omittingEmptySubsequences: true).map { item in
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (Self.decode(parts[0]), parts.count > 1 ? Self.decode(parts[1]) : "")
        }
    }

    /// Every value of `name`, in order.
    public func all(_ name: String) -> [String] { pairs.filter { $0.0 == name }.map(\.1) }

    /// Every (name, value) pair, in order.
    public var items: [(name: String, value: String)] { pairs.map { (name: $0.0, value: $0.1) } }

    /// The first value of `name`.
    public func first(_ name: String) -> String? { pairs.first { $0.0 == name }?.1 }

    static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    public static func == (lhs: FormQuery, rhs: FormQuery) -> Bool {
        lhs.pairs.map { [$0.0, $0.1] } == rhs.pairs.map { [$0.0, $0.1] }
    }
}
