import Foundation
import Testing
@testable import BerthAPI

@Suite struct MachinerySelectorTests {
    struct Canonical: Sendable, CustomStringConvertible {
        let input: String
        let canonical: String
        var description: String { input }
    }

    @Test(arguments: [
        Canonical(input: "", canonical: ""),
        Canonical(input: "x=a", canonical: "x=a"),
        Canonical(input: "x==a", canonical: "x==a"),
        Canonical(input: "x!=a", canonical: "x!=a"),
        Canonical(input: "b=1,a=2", canonical: "a=2,b=1"),
        Canonical(input: "x in (b,a)", canonical: "x in (a,b)"),
        Canonical(input: "x notin (a)", canonical: "x notin (a)"),
        Canonical(input: "x", canonical: "x"),
        Canonical(input: "!x", canonical: "!x"),
        Canonical(input: "  a =  b  ,  c  ", canonical: "a=b,c"),
        Canonical(input: "x in (foo,,baz),y,z notin ()", canonical: "x in (,baz,foo),y,z notin ()"),
        Canonical(input: "in in (in)", canonical: "in in (in)"),
        Canonical(input: "x=", canonical: "x="),
        Canonical(input: "x>1", canonical: "x>1"),
        Canonical(input: "app.kubernetes.io/name=web,tier!=db", canonical: "app.kubernetes.io/name=web,tier!=db"),
        Canonical(input: "x in (a,a,b)", canonical: "x in (a,b)"),
    ])
    func parsesToCanonicalForm(_ c: Canonical) throws {
        let selector = try LabelSelector(parsing: c.input)
        #expect(selector.description == c.canonical)
        // The canonical form parses back to the same selector.
        #expect(try LabelSelector(parsing: selector.description) == selector)
    }

    static let keyDetail = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
    static let valueDetail = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"

    struct Invalid: Sendable, CustomStringConvertible {
        let input: String
        let message: String
        var description: String { input }
    }

    @Test(arguments: [
        Invalid(input: "a b", message: "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"),
        Invalid(input: "x=a,", message: "found '', expected: identifier after ','"),
        Invalid(input: "x=a,,y", message: "found ',', expected: identifier after ','"),
        Invalid(input: "x in (a", message: "unable to parse requirement: found '', expected: ',' or ')'"),
        Invalid(input: "x in a", message: "unable to parse requirement: found 'a' expected: '('"),
        Invalid(input: "x=a b", message: "found 'b', expected: ',' or 'end of string'"),
        Invalid(input: "=a", message: "found '=', expected: !, identifier, or 'end of string'"),
        Invalid(input: "!", message: "unable to parse requirement: found '', expected: identifier"),
        Invalid(input: "x=(a)", message: "unable to parse requirement: found '(', expected: identifier"),
        Invalid(input: "-a=b", message: "unable to parse requirement: <nil>: Invalid value: \"-a\": " + keyDetail),
        Invalid(input: "app=-bad-", message: "unable to parse requirement: values[0][app]: Invalid value: \"-bad-\": " + valueDetail),
        Invalid(input: "x>a", message: "unable to parse requirement: values[0]: Invalid value: \"a\": for 'Gt', 'Lt' operators, the value must be an integer"),
    ])
    func rejectsInvalidSelectors(_ c: Invalid) {
        #expect(throws: SelectorError(c.message)) { try LabelSelector(parsing: c.input) }
    }

    struct Match: Sendable, CustomStringConvertible {
        let selector: String
        let labels: [String: String]
        let matches: Bool
        var description: String { "\(selector) on \(labels)" }
    }

    @Test(arguments: [
        Match(selector: "", labels: [:], matches: true),
        Match(selector: "app=web", labels: ["app": "web"], matches: true),
        Match(selector: "app==web", labels: ["app": "web", "x": "y"], matches: true),
        Match(selector: "app=web", labels: ["app": "db"], matches: false),
        Match(selector: "app=web", labels: [:], matches: false),
        Match(selector: "app!=web", labels: [:], matches: true),
        Match(selector: "app!=web", labels: ["app": "web"], matches: false),
        Match(selector: "tier in (a,b)", labels: ["tier": "b"], matches: true),
        Match(selector: "tier in (a,b)", labels: [:], matches: false),
        Match(selector: "tier notin (a)", labels: [:], matches: true),
        Match(selector: "tier notin (a)", labels: ["tier": "a"], matches: false),
        Match(selector: "app", labels: ["app": ""], matches: true),
        Match(selector: "app", labels: [:], matches: false),
        Match(selector: "!app", labels: [:], matches: true),
        Match(selector: "!app", labels: ["app": "x"], matches: false),
        Match(selector: "app=web,tier!=db", labels: ["app": "web", "tier": "fe"], matches: true),
        Match(selector: "app=web,tier!=db", labels: ["app": "web", "tier": "db"], matches: false),
        Match(selector: "x=", labels: ["x": ""], matches: true),
        Match(selector: "n>5", labels: ["n": "7"], matches: true),
        Match(selector: "n<5", labels: ["n": "7"], matches: false),
    ])
    func matchesLabels(_ c: Match) throws {
        #expect(try LabelSelector(parsing: c.selector).matches(c.labels) == c.matches)
    }

    static func json(_ text: String) throws -> JSONValue {
        try JSONValue(parsingJSON: Data(text.utf8))
    }

    @Test func buildsFromMetaV1() throws {
        let selector = try LabelSelector(metaV1: Self.json("""
            {"matchLabels": {"tier": "fe", "app": "web"},
             "matchExpressions": [{"key": "env", "operator": "NotIn", "values": ["dev", "ci"]},
                                  {"key": "canary", "operator": "DoesNotExist"}]}
            """))
        #expect(selector.description == "app=web,!canary,env notin (ci,dev),tier=fe")
        #expect(selector.matches(["app": "web", "tier": "fe", "env": "prod"]))
        #expect(!selector.matches(["app": "web", "tier": "fe", "env": "dev"]))
        #expect(!selector.matches(["app": "web", "tier": "fe", "canary": "1"]))
        #expect(selector.requiresExactMatch("app") == "web")

        let empty = try LabelSelector(metaV1: Self.json("{}"))
        #expect(empty.isEmpty)
        #expect(empty.matches(["anything": "x"]))

        let null = try LabelSelector(metaV1: .null)
        #expect(!null.isEmpty)
        #expect(!null.matches([:]))
    }

    @Test func rejectsBadMetaV1() throws {
        #expect(throws: SelectorError("\"Foo\" is not a valid label selector operator")) {
            try LabelSelector(metaV1: Self.json(#"{"matchExpressions": [{"key": "a", "operator": "Foo"}]}"#))
        }
        #expect(throws: SelectorError("values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty")) {
            try LabelSelector(metaV1: Self.json(#"{"matchExpressions": [{"key": "a", "operator": "In", "values": []}]}"#))
        }
        #expect(throws: SelectorError("values: Invalid value: []string{\"x\"}: values set must be empty for exists and does not exist")) {
            try LabelSelector(metaV1: Self.json(#"{"matchExpressions": [{"key": "a", "operator": "Exists", "values": ["x"]}]}"#))
        }
        #expect(throws: SelectorError("key: Invalid value: \"-a\": " + Self.keyDetail)) {
            try LabelSelector(metaV1: Self.json(#"{"matchLabels": {"-a": "b"}}"#))
        }
    }

    @Test func equalitySelectorFromLabels() {
        let selector = LabelSelector(matchLabels: ["b": "2", "a": "1"])
        #expect(selector.description == "a=1,b=2")
        #expect(selector.matches(["a": "1", "b": "2", "c": "3"]))
        #expect(LabelSelector(matchLabels: [:]).isEmpty)
    }

    // MARK: Field selectors

    @Test func parsesFieldSelectors() throws {
        let selector = try FieldSelector(parsing: "status.phase!=Succeeded,spec.nodeName=node1,status.phase!=Failed")
        #expect(selector.requirements == [
            FieldRequirement(field: "spec.nodeName", op: .equals, value: "node1"),
            FieldRequirement(field: "status.phase", op: .notEquals, value: "Failed"),
            FieldRequirement(field: "status.phase", op: .notEquals, value: "Succeeded"),
        ])
        let fields = ["spec.nodeName": "node1", "status.phase": "Running"]
        #expect(selector.matches { fields[$0] })
        #expect(!selector.matches { ["spec.nodeName": "node1", "status.phase": "Failed"][$0] })
        #expect(!selector.matches { _ in nil })
        #expect(selector.requiresExactMatch("spec.nodeName") == "node1")

        #expect(try FieldSelector(parsing: "metadata.name==web").requirements == [
            FieldRequirement(field: "metadata.name", op: .equals, value: "web"),
        ])
        #expect(try FieldSelector(parsing: "").isEmpty)
        #expect(try FieldSelector(parsing: "spec.nodeName=").matches { _ in nil })
    }

    @Test func fieldSelectorEscaping() throws {
        let selector = try FieldSelector(parsing: #"metadata.name=a\,b\=c\\d,x=y"#)
        #expect(selector.requirements.map(\.value) == [#"a,b=c\d"#, "y"])
        #expect(selector.description == #"metadata.name=a\,b\=c\\d,x=y"#)
        #expect(try FieldSelector(parsing: selector.description) == selector)
    }

    @Test(arguments: [
        ("abc", "invalid selector: 'abc'; can't understand 'abc'"),
        ("a=b,c", "invalid selector: 'a=b,c'; can't understand 'c'"),
        ("a=b=c", "invalid field selector: unescapedRune character in value: 61"),
        (#"a=b\x"#, #"invalid field selector: invalid escape sequence: \x"#),
        (#"a=b\"#, #"invalid field selector: invalid escape sequence: \"#),
    ])
    func rejectsInvalidFieldSelectors(_ input: String, _ message: String) {
        #expect(throws: SelectorError(message)) { try FieldSelector(parsing: input) }
    }

    @Test func rejectsUnsupportedFields() throws {
        let selector = try FieldSelector(parsing: "metadata.name=web,spec.foo=bar")
        #expect(throws: SelectorError("field label not supported: spec.foo")) {
            try selector.validate(supportedFields: ["metadata.name", "metadata.namespace", "spec.nodeName", "status.phase"])
        }
        try FieldSelector(parsing: "metadata.name=web").validate(supportedFields: ["metadata.name"])
    }
}
