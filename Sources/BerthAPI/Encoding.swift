import Foundation
import Yams

/// Encodes an API object as JSON with keys sorted, so that output is stable (Foundation's encoder
/// on Linux does not keep declaration order). Pretty output is indented like `kubectl get -o json`. Non-finite numbers, which JSON cannot hold, are
/// written as strings rather than failing, so this cannot fail for Berth's own types.
public func encodeJSON<T: Encodable>(_ value: T, pretty: Bool = false) -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "+Inf", negativeInfinity: "-Inf", nan: "NaN")
    do {
        return try encoder.encode(value)
    } catch {
        // Only a custom `encode(to:)` that throws can get here; none of BerthAPI's types do.
        return Data("{}".utf8)
    }
}

/// Encodes an API object as YAML, as `kubectl get -o yaml` prints it: block style, lists not
/// indented under their key, no line folding.
public func encodeYAML<T: Encodable>(_ value: T) -> String {
    let encoder = YAMLEncoder()
    encoder.options = .init(indent: 2, width: -1, allowUnicode: true)
    do {
        return try encoder.encode(value)
    } catch {
        return "{}\n"
    }
}
