import BerthAPI
import Foundation
import Testing

/// The hand-written JSON parser and writer against the Foundation paths they replaced:
/// `JSONDecoder` into `JSONValue`'s Decodable conformance, and `JSONEncoder` with sorted keys
/// and unescaped slashes.
@Suite struct JSONParserTests {
    static func foundationParse(_ text: String) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    static func foundationEncode(_ value: JSONValue) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "+Inf", negativeInfinity: "-Inf", nan: "NaN")
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static let documents = [
        #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","labels":{"app":"x"}},"spec":{"containers":[{"name":"c","image":"busybox","command":["sleep","3600"]}]}}"#,
        #"{"big":9007199254740993,"f":1.5,"b":true,"n":null,"s":"x","a":[1,"2"]}"#,
        #"[1.0, 1e3, -0, -0.0, 2.5e15, 1e16, 1e-7, 0.1, 123456789.125, 99999999999999999999, -9223372036854775808, 9223372036854775807]"#,
        #"  {"esc":"q\"b\\s\/t\tn\nr\rf\fb\bu\u00e9\u0001\ud83d\ude00","raw":"é😀 /"}  "#,
        #"{"keys":{"b":1,"B":2,"a10":3,"a9":4,"_x":5,"Z":6,"a-b":7,"a.b":8,"aB":9,"ab":10,"é":11,"":12,"10":13}}"#,
        #"[[],{},[[]],{"a":{}}]"#,
        #""just a string""#, "42", "true", "null", "-1.25",
    ]

    @Test(arguments: documents)
    func parsesAsJSONDecoderDid(_ text: String) throws {
        let fast = try JSONValue(parsingJSON: Data(text.utf8))
        #expect(fast == (try Self.foundationParse(text)))
    }

    @Test(arguments: documents)
    func writesAsJSONEncoderDid(_ text: String) throws {
        let value = try JSONValue(parsingJSON: Data(text.utf8))
        #expect(String(decoding: encodeJSON(value), as: UTF8.self) == (try Self.foundationEncode(value)))
    }

    @Test func writesEscapesAndDoublesAsJSONEncoderDid() throws {
        let value: JSONValue = .object([
            "controls": .string("\u{0}\u{1}\u{8}\u{9}\u{A}\u{C}\u{D}\u{1B}\u{1F}\u{7F}\u{2028}"),
            "doubles": .array([1.5, 100.0, 1e30, 0.1, -0.0, 1e-7, Double.leastNonzeroMagnitude, 1.7976931348623157e308, 2.5e15, 1e16, 1e21,
                               .infinity, -.infinity, .nan].map { JSONValue.double($0) }),
            "ints": .array([.int(0), .int(-1), .int(Int64.max), .int(Int64.min)]),
        ])
        #expect(String(decoding: encodeJSON(value), as: UTF8.self) == (try Self.foundationEncode(value)))
    }

    @Test(arguments: [
        "", "{", "{\"a\" 1}", "[01]", "[1.]", "[.5]", "[1e]", "[-]", "tru", "nul", "[1] x",
        "\"unterminated", "\"bad \\x escape\"", "\"ctl \u{1} char\"", "\"\\ud83d alone\"", "\"\\ude00 low\"", "\"\\u12\"",
        "{1:2}", "[1e400]",
    ])
    func rejectsWhatJSONDecoderRejects(_ text: String) {
        #expect(throws: ManifestError.self) { try JSONValue(parsingJSON: Data(text.utf8)) }
        #expect(throws: (any Error).self) { try Self.foundationParse(text) }
    }

    /// Two places where the parser follows RFC 8259 and Go's encoding/json (what the
    /// kube-apiserver uses) rather than JSONDecoder, which is lenient there.
    @Test func differsFromJSONDecoderAsGoDoes() throws {
        for text in ["[1,]", #"{"a":1,}"#] {
            #expect(throws: ManifestError.self) { try JSONValue(parsingJSON: Data(text.utf8)) }
            #expect(throws: Never.self) { try Self.foundationParse(text) }
        }
        // A repeated key: the last one wins (JSONDecoder kept the first).
        #expect(try JSONValue(parsingJSON: Data(#"{"dup":1,"dup":2}"#.utf8)) == .object(["dup": .int(2)]))
    }

    @Test func rejectsInvalidUTF8AndDeepNesting() {
        #expect(throws: ManifestError.self) { try JSONValue(parsingJSON: Data([0x22, 0xC3, 0x28, 0x22])) }
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        #expect(throws: ManifestError.self) { try JSONValue(parsingJSON: Data(deep.utf8)) }
        let fine = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: Never.self) { try JSONValue(parsingJSON: Data(fine.utf8)) }
    }

    @Test func errorsSayWhereTheyAre() {
        do {
            _ = try JSONValue(parsingJSON: Data(#"{"a": [1, 2,, 3]}"#.utf8))
            Issue.record("no error")
        } catch {
            #expect(error.message.contains("invalid JSON: unexpected character ',' at byte 12"), "\(error.message)")
        }
    }
}
