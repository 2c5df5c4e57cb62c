/// The lexer and recursive-descent parser of the label selector grammar, with the behaviour and
/// error messages of Kubernetes' `labels.Parse`:
///
///     selector    ::= requirement | requirement "," selector
///     requirement ::= ["!"] KEY [ ("in" | "notin") "(" VALUES ")" | ("=" | "==" | "!=" | ">" | "<") VALUE ]
///
/// `in` and `notin` are keywords only where an operator is expected, so `in in (in)` is valid.
struct LabelSelectorParser {
    enum Token: Equatable {
        case error, end, closePar, comma, not, doubleEquals, equals, greaterThan, identifier
        case `in`, lessThan, notEquals, notIn, openPar
    }

    private static let literals: [String: Token] = [
        ")": .closePar, ",": .comma, "!": .not, "==": .doubleEquals, "=": .equals, ">": .greaterThan,
        "in": .in, "<": .lessThan, "!=": .notEquals, "notin": .notIn, "(": .openPar,
    ]

    private enum Context { case keyAndOperator, values }

    private var items: [(token: Token, literal: String)] = []
    private var position = 0

    init(_ text: String) {
        items = Self.scan(Array(text.utf8))
    }

    // MARK: Lexer

    private static func isWhitespace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0D || c == 0x0A }

    private static func isSpecial(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "="), UInt8(ascii: "!"), UInt8(ascii: "("), UInt8(ascii: ")"),
             UInt8(ascii: ","), UInt8(ascii: ">"), UInt8(ascii: "<"):
            return true
        default:
            return false
        }
    }

    private static func scan(_ bytes: [UInt8]) -> [(token: Token, literal: String)] {
        var out: [(token: Token, literal: String)] = []
        var i = 0
        while true {
            while i < bytes.count, isWhitespace(bytes[i]) { i += 1 }
            guard i < bytes.count else {
                out.append((.end, ""))
                return out
            }
            if isSpecial(bytes[i]) {
                // Longest run of special characters that still spells an operator.
                var buffer: [UInt8] = []
                var best: (token: Token, literal: String, end: Int)?
                var j = i
                while j < bytes.count, isSpecial(bytes[j]) {
                    buffer.append(bytes[j])
                    let text = String(decoding: buffer, as: UTF8.self)
                    if let token = literals[text] {
                        best = (token, text, j + 1)
                    } else if best != nil {
                        break
                    }
                    j += 1
                }
                if let best {
                    out.append((best.token, best.literal))
                    i = best.end
                } else {
                    out.append((.error, "error expected: keyword found '\(String(decoding: buffer, as: UTF8.self))'"))
                    i = j
                }
            } else {
                var j = i
                while j < bytes.count, !isSpecial(bytes[j]), !isWhitespace(bytes[j]) { j += 1 }
                let text = String(decoding: bytes[i..<j], as: UTF8.self)
                out.append((literals[text] ?? .identifier, text))
                i = j
            }
        }
    }

    // MARK: Parser

    private func lookahead(_ context: Context) -> (Token, String) {
        let item = items[min(position, items.count - 1)]
        return (adjust(item.token, context), item.literal)
    }

    private mutating func consume(_ context: Context) -> (Token, String) {
        let item = items[min(position, items.count - 1)]
        position += 1
        return (adjust(item.token, context), item.literal)
    }

    private func adjust(_ token: Token, _ context: Context) -> Token {
        if context == .values, token == .in || token == .notIn { return .identifier }
        return token
    }

    mutating func parse() throws(SelectorError) -> [LabelSelector.Requirement] {
        var requirements: [LabelSelector.Requirement] = []
        while true {
            let (token, literal) = lookahead(.values)
            switch token {
            case .identifier, .not:
                do {
                    requirements.append(try parseRequirement())
                } catch {
                    throw SelectorError("unable to parse requirement: \(error.message)")
                }
                let (next, nextLiteral) = consume(.values)
                switch next {
                case .end:
                    return requirements
                case .comma:
                    let (after, afterLiteral) = lookahead(.values)
                    if after != .identifier && after != .not {
                        throw SelectorError("found '\(afterLiteral)', expected: identifier after ','")
                    }
                default:
                    throw SelectorError("found '\(nextLiteral)', expected: ',' or 'end of string'")
                }
            case .end:
                return requirements
            default:
                throw SelectorError("found '\(literal)', expected: !, identifier, or 'end of string'")
            }
        }
    }

    private mutating func parseRequirement() throws(SelectorError) -> LabelSelector.Requirement {
        var (token, literal) = consume(.values)
        var negated = false
        if token == .not {
            negated = true
            (token, literal) = consume(.values)
        }
        guard token == .identifier else {
            throw SelectorError("found '\(literal)', expected: identifier")
        }
        let key = literal
        // Kubernetes checks the key here with no field path, hence its "<nil>: Invalid value".
        if let keyError = LabelSelector.validateKey(key, path: "<nil>") { throw SelectorError(keyError) }
        let (next, _) = lookahead(.values)
        if negated || next == .end || next == .comma {
            if negated { return try LabelSelector.requirement(key, .doesNotExist, []) }
            return try LabelSelector.requirement(key, .exists, [])
        }
        let op = try parseOperator()
        let values: [String]
        switch op {
        case .in, .notIn: values = try parseValues()
        default: values = try parseExactValue()
        }
        return try LabelSelector.requirement(key, op, values)
    }

    private mutating func parseOperator() throws(SelectorError) -> LabelSelector.Operator {
        let (token, literal) = consume(.keyAndOperator)
        switch token {
        case .in: return .in
        case .equals: return .equals
        case .doubleEquals: return .doubleEquals
        case .greaterThan: return .greaterThan
        case .lessThan: return .lessThan
        case .notIn: return .notIn
        case .notEquals: return .notEquals
        default: throw SelectorError("found '\(literal)', expected: in, notin, =, ==, !=, gt, lt")
        }
    }

    /// `( a, b )`; an empty slot is the empty value, and values form a sorted set.
    private mutating func parseValues() throws(SelectorError) -> [String] {
        let (open, openLiteral) = consume(.values)
        guard open == .openPar else { throw SelectorError("found '\(openLiteral)' expected: '('") }
        let (token, literal) = lookahead(.values)
        switch token {
        case .identifier, .comma:
            let set = try parseIdentifiersList()
            let (close, _) = consume(.values)
            guard close == .closePar else { throw SelectorError("found '\(literal)', expected: ')'") }
            return set.sorted()
        case .closePar:
            _ = consume(.values)
            return [""]
        default:
            throw SelectorError("found '\(literal)', expected: ',', ')' or identifier")
        }
    }

    private mutating func parseIdentifiersList() throws(SelectorError) -> Set<String> {
        var set = Set<String>()
        while true {
            let (token, literal) = consume(.values)
            switch token {
            case .identifier:
                set.insert(literal)
                let (next, nextLiteral) = lookahead(.values)
                switch next {
                case .comma: continue
                case .closePar: return set
                default: throw SelectorError("found '\(nextLiteral)', expected: ',' or ')'")
                }
            case .comma:
                if set.isEmpty { set.insert("") }
                let (next, _) = lookahead(.values)
                if next == .closePar {
                    set.insert("")
                    return set
                }
                if next == .comma { set.insert("") }
            default:
                throw SelectorError("found '\(literal)', expected: ',', or identifier")
            }
        }
    }

    private mutating func parseExactValue() throws(SelectorError) -> [String] {
        let (next, _) = lookahead(.values)
        if next == .end || next == .comma { return [""] }
        let (token, literal) = consume(.values)
        guard token == .identifier else { throw SelectorError("found '\(literal)', expected: identifier") }
        return [literal]
    }
}
