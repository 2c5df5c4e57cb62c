/// Kubernetes' `intstr.IntOrString`: a port given as a number or as a named port.
public enum IntOrString: Sendable, Hashable, CustomStringConvertible {
    case int(Int32)
    case string(String)

    public var description: String {
        switch self {
        case .int(let i): return String(i)
        case .string(let s): return s
        }
    }
}

extension IntOrString: Codable {
    public init(from decoder: any Decoder) throws {
        if let valueDecoder = decoder as? ValueDecoder {
            switch valueDecoder.value {
            case .string(let s):
                self = .string(s)
                return
            case .int, .double:
                break
            default:
                throw ValueDecodingError.mismatch(valueDecoder.value, expected: "an integer or a string", at: decoder.codingPath)
            }
        }
        let container = try decoder.singleValueContainer()
        if let i = try? container.decode(Int32.self) {
            self = .int(i)
        } else {
            self = .string(try container.decode(String.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .int(let i): try container.encode(i)
        case .string(let s): try container.encode(s)
        }
    }
}
