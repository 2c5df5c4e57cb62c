import Foundation
import Testing
@testable import BerthAPI

func machineryJSON(_ text: String) throws -> JSONValue {
    try JSONValue(parsingJSON: Data(text.utf8))
}

@Suite struct MachineryPatchTests {
    struct Case: Sendable, CustomStringConvertible {
        let original: String
        let patch: String
        let result: String
        var description: String { "\(original) + \(patch)" }
    }

    /// RFC 7386 appendix A.
    @Test(arguments: [
        Case(original: #"{"a":"b"}"#, patch: #"{"a":"c"}"#, result: #"{"a":"c"}"#),
        Case(original: #"{"a":"b"}"#, patch: #"{"b":"c"}"#, result: #"{"a":"b","b":"c"}"#),
        Case(original: #"{"a":"b"}"#, patch: #"{"a":null}"#, result: #"{}"#),
        Case(original: #"{"a":"b","b":"c"}"#, patch: #"{"a":null}"#, result: #"{"b":"c"}"#),
        Case(original: #"{"a":["b"]}"#, patch: #"{"a":"c"}"#, result: #"{"a":"c"}"#),
        Case(original: #"{"a":"c"}"#, patch: #"{"a":["b"]}"#, result: #"{"a":["b"]}"#),
        Case(original: #"{"a":{"b":"c"}}"#, patch: #"{"a":{"b":"d","c":null}}"#, result: #"{"a":{"b":"d"}}"#),
        Case(original: #"{"a":[{"b":"c"}]}"#, patch: #"{"a":[1]}"#, result: #"{"a":[1]}"#),
        Case(original: #"["a","b"]"#, patch: #"["c","d"]"#, result: #"["c","d"]"#),
        Case(original: #"{"a":"b"}"#, patch: #"["c"]"#, result: #"["c"]"#),
        Case(original: #"{"a":"foo"}"#, patch: #"null"#, result: #"null"#),
        Case(original: #"{"a":"foo"}"#, patch: #""bar""#, result: #""bar""#),
        Case(original: #"{"e":null}"#, patch: #"{"a":1}"#, result: #"{"e":null,"a":1}"#),
        Case(original: #"[1,2]"#, patch: #"{"a":"b","c":null}"#, result: #"{"a":"b"}"#),
        Case(original: #"{}"#, patch: #"{"a":{"bb":{"ccc":null}}}"#, result: #"{"a":{"bb":{}}}"#),
    ])
    func mergePatchRFC7386(_ c: Case) throws {
        let original = try machineryJSON(c.original)
        let patch = try machineryJSON(c.patch)
        #expect(MergePatch.apply(patch, to: original) == (try machineryJSON(c.result)))
    }

    @Test func mergePatchDiffRoundTrips() throws {
        let a = try machineryJSON(#"{"metadata":{"labels":{"app":"web","old":"x"}},"spec":{"replicas":1,"list":[1,2]}}"#)
        let b = try machineryJSON(#"{"metadata":{"labels":{"app":"web","env":"prod"}},"spec":{"replicas":1,"list":[2]}}"#)
        let patch = MergePatch.diff(from: a, to: b)
        #expect(patch == (try machineryJSON(#"{"metadata":{"labels":{"env":"prod","old":null}},"spec":{"list":[2]}}"#)))
        #expect(MergePatch.apply(patch, to: a) == b)
        #expect(MergePatch.diff(from: a, to: a) == .object([:]))
    }

    /// RFC 6902 appendix A (A.13, a document with duplicate keys, is a JSON parsing matter).
    @Test(arguments: [
        Case(original: #"{"foo":"bar"}"#, patch: #"[{"op":"add","path":"/baz","value":"qux"}]"#,
             result: #"{"baz":"qux","foo":"bar"}"#),
        Case(original: #"{"foo":["bar","baz"]}"#, patch: #"[{"op":"add","path":"/foo/1","value":"qux"}]"#,
             result: #"{"foo":["bar","qux","baz"]}"#),
        Case(original: #"{"baz":"qux","foo":"bar"}"#, patch: #"[{"op":"remove","path":"/baz"}]"#,
             result: #"{"foo":"bar"}"#),
        Case(original: #"{"foo":["bar","qux","baz"]}"#, patch: #"[{"op":"remove","path":"/foo/1"}]"#,
             result: #"{"foo":["bar","baz"]}"#),
        Case(original: #"{"baz":"qux","foo":"bar"}"#, patch: #"[{"op":"replace","path":"/baz","value":"boo"}]"#,
             result: #"{"baz":"boo","foo":"bar"}"#),
        Case(original: #"{"foo":{"bar":"baz","waldo":"fred"},"qux":{"corge":"grault"}}"#,
             patch: #"[{"op":"move","from":"/foo/waldo","path":"/qux/thud"}]"#,
             result: #"{"foo":{"bar":"baz"},"qux":{"corge":"grault","thud":"fred"}}"#),
        Case(original: #"{"foo":["all","grass","cows","eat"]}"#, patch: #"[{"op":"move","from":"/foo/1","path":"/foo/3"}]"#,
             result: #"{"foo":["all","cows","eat","grass"]}"#),
        Case(original: #"{"baz":"qux","foo":["a",2,"c"]}"#,
             patch: #"[{"op":"test","path":"/baz","value":"qux"},{"op":"test","path":"/foo/1","value":2}]"#,
             result: #"{"baz":"qux","foo":["a",2,"c"]}"#),
        Case(original: #"{"foo":"bar"}"#, patch: #"[{"op":"add","path":"/child","value":{"grandchild":{}}}]"#,
             result: #"{"foo":"bar","child":{"grandchild":{}}}"#),
        Case(original: #"{"foo":"bar"}"#, patch: #"[{"op":"add","path":"/baz","value":"qux","xyz":123}]"#,
             result: #"{"foo":"bar","baz":"qux"}"#),
        Case(original: #"{"/":9,"~1":10}"#, patch: #"[{"op":"test","path":"/~01","value":10}]"#,
             result: #"{"/":9,"~1":10}"#),
        Case(original: #"{"foo":["bar"]}"#, patch: #"[{"op":"add","path":"/foo/-","value":["abc","def"]}]"#,
             result: #"{"foo":["bar",["abc","def"]]}"#),
        // Beyond the appendix: copy, a "/" in a key, replacing the root, null as a value.
        Case(original: #"{"a":{"b":1}}"#, patch: #"[{"op":"copy","from":"/a","path":"/c"}]"#,
             result: #"{"a":{"b":1},"c":{"b":1}}"#),
        Case(original: #"{"metadata":{"annotations":{}}}"#,
             patch: #"[{"op":"add","path":"/metadata/annotations/example.com~1x","value":"y"}]"#,
             result: #"{"metadata":{"annotations":{"example.com/x":"y"}}}"#),
        Case(original: #"{"a":1}"#, patch: #"[{"op":"replace","path":"","value":[1]}]"#, result: #"[1]"#),
        Case(original: #"{"a":1}"#, patch: #"[{"op":"replace","path":"/a","value":null}]"#, result: #"{"a":null}"#),
        Case(original: #"{"a":1.0}"#, patch: #"[{"op":"test","path":"/a","value":1}]"#, result: #"{"a":1.0}"#),
    ])
    func jsonPatchRFC6902(_ c: Case) throws {
        let result = try JSONPatch.apply(try machineryJSON(c.patch), to: try machineryJSON(c.original))
        #expect(result == (try machineryJSON(c.result)))
    }

    struct Failure: Sendable, CustomStringConvertible {
        let original: String
        let patch: String
        let op: String?
        let path: String?
        var description: String { "\(original) + \(patch)" }
    }

    @Test(arguments: [
        // A.9: failed test.
        Failure(original: #"{"baz":"qux"}"#, patch: #"[{"op":"test","path":"/baz","value":"bar"}]"#, op: "test", path: "/baz"),
        // A.12: add to a nonexistent target.
        Failure(original: #"{"foo":"bar"}"#, patch: #"[{"op":"add","path":"/baz/bat","value":"qux"}]"#, op: "add", path: "/baz/bat"),
        // A.15: strings and numbers differ.
        Failure(original: #"{"/":9,"~1":10}"#, patch: #"[{"op":"test","path":"/~01","value":"10"}]"#, op: "test", path: "/~01"),
        Failure(original: #"{"a":1}"#, patch: #"[{"op":"remove","path":"/b"}]"#, op: "remove", path: "/b"),
        Failure(original: #"{"a":1}"#, patch: #"[{"op":"replace","path":"/b","value":2}]"#, op: "replace", path: "/b"),
        Failure(original: #"{"a":[1,2]}"#, patch: #"[{"op":"add","path":"/a/5","value":2}]"#, op: "add", path: "/a/5"),
        Failure(original: #"{"a":[1,2]}"#, patch: #"[{"op":"remove","path":"/a/01"}]"#, op: "remove", path: "/a/01"),
        Failure(original: #"{"a":[1,2]}"#, patch: #"[{"op":"replace","path":"/a/-","value":3}]"#, op: "replace", path: "/a/-"),
        Failure(original: #"{"a":{"b":1}}"#, patch: #"[{"op":"move","from":"/a","path":"/a/b/c"}]"#, op: "move", path: "/a/b/c"),
        Failure(original: #"{"a":1}"#, patch: #"[{"op":"add","path":"/b"}]"#, op: "add", path: "/b"),
        Failure(original: #"{"a":1}"#, patch: #"[{"op":"frobnicate","path":"/a"}]"#, op: "frobnicate", path: "/a"),
        Failure(original: #"{"a":1}"#, patch: #"[{"op":"add","path":"a","value":1}]"#, op: "add", path: "a"),
        Failure(original: #"{"a":1}"#, patch: #"[{"path":"/a"}]"#, op: nil, path: nil),
        Failure(original: #"{"a":1}"#, patch: #"{"op":"add"}"#, op: nil, path: nil),
    ])
    func jsonPatchFailures(_ c: Failure) throws {
        let original = try machineryJSON(c.original)
        let patch = try machineryJSON(c.patch)
        do {
            _ = try JSONPatch.apply(patch, to: original)
            Issue.record("patch applied")
        } catch {
            #expect(error.op == c.op)
            #expect(error.path == c.path)
            #expect(!error.description.isEmpty)
        }
    }

    @Test func jsonPatchIsAtomic() throws {
        // kubectl rollout undo sends replace operations; a failing later operation leaves no trace.
        let original = try machineryJSON(#"{"spec":{"template":{"a":1}},"metadata":{"annotations":{}}}"#)
        let patch = try machineryJSON(#"[{"op":"replace","path":"/spec/template","value":{"b":2}},{"op":"test","path":"/x","value":1}]"#)
        #expect(throws: PatchError.self) { try JSONPatch.apply(patch, to: original) }
    }
}
