import Foundation

/// Writes a `JSONValue` as compact JSON, byte for byte what `encodeJSON` (JSONEncoder with
/// sorted keys, slashes not escaped) writes, without going through `Encodable`: keys sorted by
/// their UTF-8 bytes, `"` `\` and control characters escaped (`\b \f \n \r \t`, others as
/// `\u00xx`), everything else as UTF-8, doubles as Swift prints them without a trailing
/// `.0`, non-finite doubles as the strings `+Inf`, `-Inf`, `NaN`. The API server writes every
/// stored object and watch event this way.
enum JSONWriter {
    static func write(_ value: JSONValue) -> Data {
        var out: [UInt8] = []
        out.reserveCapacity(1024)
        write(value, into: &out)
        return Data(out)
    }

    static func write(_ value: JSONValue, into out: inout [UInt8]) {
        switch value {
        case .null:
            out.append(contentsOf: "null".utf8)
        case .bool(let b):
            out.append(contentsOf: (b ? "true" : "false").utf8)
        case .int(let i):
            out.append(contentsOf: String(i).utf8)
        case .double(let d):
            writeDouble(d, into: &out)
        case .string(let s):
            writeString(s, into: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                write(item, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let fields):
            out.append(UInt8(ascii: "{"))
            let sorted = fields.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            for (index, field) in sorted.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                writeString(field.key, into: &out)
                out.append(UInt8(ascii: ":"))
                write(field.value, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    static func writeDouble(_ d: Double, into out: inout [UInt8]) {
        guard d.isFinite else {
            writeString(d.isNaN ? "NaN" : (d > 0 ? "+Inf" : "-Inf"), into: &out)
            return
        }
        var text = "\(d)"
        if text.hasSuffix(".0") { text.removeLast(2) }
        out.append(contentsOf: text.utf8)
    }

    static func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "\\"))
            case 0x08: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "b"))
            case 0x0C: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "f"))
            case 0x0A: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "r"))
            case 0x09: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "t"))
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: "\\u00".utf8)
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            default:
                out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

/// Compact JSON of a `JSONValue`, as the generic `encodeJSON` writes it but several times
/// faster; `pretty` output still goes through JSONEncoder.
public func encodeJSON(_ value: JSONValue, pretty: Bool = false) -> Data {
    if pretty { return encodeJSON(EncodableBox(value: value), pretty: true) }
    return JSONWriter.write(value)
}

/// Routes a JSONValue to the generic (JSONEncoder) overload.
private struct EncodableBox: Encodable {
    let value: JSONValue
    func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
}
