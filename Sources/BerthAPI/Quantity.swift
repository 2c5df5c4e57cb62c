import Foundation

/// Why a quantity string was rejected; the texts are Kubernetes' own.
public struct QuantityError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Reason: Sendable, Equatable {
        /// The string does not have the shape number-then-suffix.
        case format
        /// The shape is right but the suffix is not one Kubernetes knows (`1i`, `5kM`).
        case suffix
    }

    public let input: String
    public let reason: Reason

    public static let formatMessage =
        "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"

    public var description: String {
        switch reason {
        case .format: return QuantityError.formatMessage
        case .suffix: return "unable to parse quantity's suffix"
        }
    }
}

/// A Kubernetes `resource.Quantity`: a decimal number with an SI, binary or exponent suffix.
///
/// The text the user wrote is kept for encoding (so `1Gi` is written back as `1Gi`), while
/// comparisons use the exact numeric value, held as a `Decimal` so that `0.1` stays exact.
public struct Quantity: Sendable, Comparable, CustomStringConvertible {
    /// The text as written, which is also what gets encoded.
    public let string: String
    /// The exact numeric value in base units (bytes, cores...).
    public let amount: Decimal

    public init(_ string: String) throws(QuantityError) {
        self.string = string
        self.amount = try Quantity.parse(string)
    }

    /// A whole number of base units, written without a suffix.
    public init(value: Int64) {
        self.string = String(value)
        self.amount = Decimal(value)
    }

    /// Thousandths of a base unit, written with the `m` suffix (`500m`).
    public init(milliValue: Int64) {
        self.string = milliValue % 1000 == 0 ? String(milliValue / 1000) : "\(milliValue)m"
        self.amount = Decimal(milliValue) / 1000
    }

    public var description: String { string }

    /// The value in base units rounded away from zero, as Kubernetes' `Quantity.Value()`.
    public var value: Int64 { Quantity.roundedAwayFromZero(amount) }

    /// The value in thousandths rounded away from zero, as Kubernetes' `Quantity.MilliValue()`.
    public var milliValue: Int64 { Quantity.roundedAwayFromZero(amount * 1000) }

    public var isNegative: Bool { amount < 0 }
    public var isZero: Bool { amount == 0 }

    public static func == (lhs: Quantity, rhs: Quantity) -> Bool { lhs.amount == rhs.amount }
    public static func < (lhs: Quantity, rhs: Quantity) -> Bool { lhs.amount < rhs.amount }
}

extension Quantity {
    private static let decimalSuffixes: [String: Int] = [
        "n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18,
    ]
    private static let binarySuffixes: [String: Int] = ["Ki": 1, "Mi": 2, "Gi": 3, "Ti": 4, "Pi": 5, "Ei": 6]
    private static let suffixLetters = Set("eEinumkKMGTP")

    static func parse(_ input: String) throws(QuantityError) -> Decimal {
        let chars = Array(input)
        var pos = 0
        var negative = false
        if pos < chars.count, chars[pos] == "+" || chars[pos] == "-" {
            negative = chars[pos] == "-"
            pos += 1
        }
        let numberStart = pos
        var digitCount = 0
        var sawPoint = false
        while pos < chars.count {
            let c = chars[pos]
            if c.isASCII, c.isNumber {
                digitCount += 1
            } else if c == ".", !sawPoint {
                sawPoint = true
            } else {
                break
            }
            pos += 1
        }
        // A bare sign, a bare suffix ("Mi") or a lone point has no number to scale.
        guard digitCount > 0 else { throw QuantityError(input: input, reason: .format) }
        var numberText = String(chars[numberStart..<pos])
        if numberText.hasPrefix(".") { numberText = "0" + numberText }
        if numberText.hasSuffix(".") { numberText += "0" }
        let suffix = String(chars[pos...])
        guard suffixHasValidShape(suffix) else { throw QuantityError(input: input, reason: .format) }
        let number = decimal(digits: numberText)
        let scaled = try scale(number, by: suffix, input: input)
        return negative ? -scaled : scaled
    }

    /// `digits[.digits]` as an exact Decimal (rounded past 38 significant digits, as
    /// Decimal(string:) rounds). By hand: Decimal(string:locale:) loads ICU's locale and number
    /// data for the decimal separator, 2.5 MB of resident memory in every process that parses
    /// a quantity (measured), and the agent parses its Node's capacity at start.
    static func decimal(digits text: String) -> Decimal {
        var significand = Decimal(0)
        var fractionDigits = 0
        var afterPoint = false
        for byte in text.utf8 {
            if byte == UInt8(ascii: ".") {
                afterPoint = true
                continue
            }
            significand = significand * 10 + Decimal(Int(byte - UInt8(ascii: "0")))
            if afterPoint { fractionDigits += 1 }
        }
        return Decimal(sign: .plus, exponent: -fractionDigits, significand: significand)
    }

    /// Letters from the suffix alphabet, then an optional sign and digits: the second group
    /// of Kubernetes' regular expression.
    private static func suffixHasValidShape(_ suffix: String) -> Bool {
        var rest = Substring(suffix)
        while let c = rest.first, suffixLetters.contains(c) { rest = rest.dropFirst() }
        if let c = rest.first, c == "+" || c == "-" { rest = rest.dropFirst() }
        return rest.allSatisfy { $0.isASCII && $0.isNumber }
    }

    private static func scale(_ number: Decimal, by suffix: String, input: String) throws(QuantityError) -> Decimal {
        if let exponent = decimalSuffixes[suffix] {
            return number * power(10, exponent)
        }
        if let steps = binarySuffixes[suffix] {
            return number * power(1024, steps)
        }
        if let first = suffix.first, first == "e" || first == "E",
           let exponent = Int(suffix.dropFirst()), abs(exponent) <= 100 {
            return number * power(10, exponent)
        }
        throw QuantityError(input: input, reason: .suffix)
    }

    private static func power(_ base: Int, _ exponent: Int) -> Decimal {
        if exponent < 0 { return 1 / power(base, -exponent) }
        var result = Decimal(1)
        for _ in 0..<exponent { result *= Decimal(base) }
        return result
    }

    private static func roundedAwayFromZero(_ x: Decimal) -> Int64 {
        var magnitude = x < 0 ? -x : x
        var rounded = Decimal()
        // Rounding a non-negative number "up" is the ceiling however the mode is read.
        NSDecimalRound(&rounded, &magnitude, 0, .up)
        guard let whole = Int64(NSDecimalNumber(decimal: rounded).stringValue) else {
            return x < 0 ? Int64.min : Int64.max
        }
        return x < 0 ? -whole : whole
    }
}

extension Quantity: Codable {
    public init(from decoder: any Decoder) throws {
        let text: String
        if let valueDecoder = decoder as? ValueDecoder {
            switch valueDecoder.value {
            case .string(let s): text = s
            case .int(let i): text = String(i)
            case .double(let d): text = JSONValue.render(d)
            default:
                throw ValueDecodingError.mismatch(valueDecoder.value, expected: "a quantity", at: decoder.codingPath)
            }
        } else {
            let container = try decoder.singleValueContainer()
            if let s = try? container.decode(String.self) {
                text = s
            } else if let i = try? container.decode(Int64.self) {
                text = String(i)
            } else {
                text = JSONValue.render(try container.decode(Double.self))
            }
        }
        do {
            try self.init(text)
        } catch {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath,
                debugDescription: "Invalid value: \(quoted(text)): \(error.description)"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(string)
    }
}
