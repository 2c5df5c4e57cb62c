import Foundation
import Testing
@testable import BerthAPI

@Suite struct MachineryStatusTests {
    @Test(arguments: [
        (Status.notFound(kind: "pods", name: "web"), 404, "NotFound", #"pods "web" not found"#),
        (Status.notFound(group: "apps", kind: "deployments", name: "web"), 404, "NotFound", #"deployments.apps "web" not found"#),
        (Status.alreadyExists(kind: "pods", name: "web"), 409, "AlreadyExists", #"pods "web" already exists"#),
        (Status.conflict(kind: "pods", name: "web"), 409, "Conflict",
         #"Operation cannot be fulfilled on pods "web": the object has been modified; please apply your changes to the latest version and try again"#),
        (Status.invalid(kind: "Pod", name: "web", causes: [.required("spec.containers")]), 422, "Invalid",
         #"Pod "web" is invalid: spec.containers: Required value"#),
        (Status.invalid(kind: "Deployment", group: "apps", name: "web", causes: []), 422, "Invalid", #"Deployment.apps "web" is invalid"#),
        (Status.badRequest("the server rejected our request"), 400, "BadRequest", "the server rejected our request"),
        (Status.methodNotAllowed(kind: "pods", action: "deletecollection"), 405, "MethodNotAllowed",
         #"deletecollection is not supported on resources of kind "pods""#),
        (Status.unsupportedMediaType(accepted: ["application/json-patch+json", "application/merge-patch+json", "application/apply-patch+yaml"]),
         415, "UnsupportedMediaType",
         "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml"),
        (Status.tooOldResourceVersion(requested: 5, oldest: 120), 410, "Expired", "too old resource version: 5 (120)"),
        (Status.gone("gone"), 410, "Gone", "gone"),
        (Status.internalError("disk full"), 500, "InternalError", "Internal error occurred: disk full"),
        (Status.forbidden(kind: "pods", name: "web", message: "not yours"), 403, "Forbidden", #"pods "web" is forbidden: not yours"#),
        (Status.forbidden(kind: "pods", message: "not yours"), 403, "Forbidden", "pods is forbidden: not yours"),
    ] as [(Status, Int32, String, String)])
    func messagesMatchTheAPIServer(_ status: Status, _ code: Int32, _ reason: String, _ message: String) {
        #expect(status.code == code)
        #expect(status.reason == reason)
        #expect(status.message == message)
        #expect(status.status == "Failure")
    }

    @Test func invalidCarriesCausesFromFieldErrors() throws {
        let errors: [FieldError] = [
            .required("spec.containers"),
            .invalid("metadata.name", "Web_1", "a lowercase RFC 1123 subdomain must consist of ..."),
            .duplicate("spec.containers[1].name", "app"),
            .notSupported("spec.restartPolicy", "Sometimes", supported: ["Always", "Never", "OnFailure"]),
            .forbidden("spec", "pod updates may not change fields other than `spec.containers[*].image`"),
        ]
        let status = Status.invalid(kind: "Pod", name: "web", causes: errors)
        #expect(status.message == "Pod \"web\" is invalid: [" + errors.map(\.description).joined(separator: ", ") + "]")
        #expect(status.details?.kind == "Pod")
        #expect(status.details?.name == "web")
        #expect(status.details?.group == nil)
        #expect(status.details?.causes == [
            StatusCause(reason: "FieldValueRequired", message: "Required value", field: "spec.containers"),
            StatusCause(reason: "FieldValueInvalid", message: #"Invalid value: "Web_1": a lowercase RFC 1123 subdomain must consist of ..."#,
                        field: "metadata.name"),
            StatusCause(reason: "FieldValueDuplicate", message: #"Duplicate value: "app""#, field: "spec.containers[1].name"),
            StatusCause(reason: "FieldValueNotSupported",
                        message: #"Unsupported value: "Sometimes": supported values: "Always", "Never", "OnFailure""#,
                        field: "spec.restartPolicy"),
            StatusCause(reason: "FieldValueForbidden",
                        message: "Forbidden: pod updates may not change fields other than `spec.containers[*].image`", field: "spec"),
        ])
        // The same error twice is reported once, as Kubernetes' aggregate does.
        let twice = Status.invalid(kind: "Pod", name: "web", causes: [.required("spec.containers"), .required("spec.containers")])
        #expect(twice.message == #"Pod "web" is invalid: spec.containers: Required value"#)
    }

    @Test func encodesLikeKubernetes() throws {
        let json = try JSONValue(parsingJSON: encodeJSON(Status.notFound(kind: "pods", name: "web")))
        #expect(json == .object([
            "kind": .string("Status"), "apiVersion": .string("v1"), "metadata": .object([:]), "status": .string("Failure"),
            "message": .string(#"pods "web" not found"#), "reason": .string("NotFound"),
            "details": .object(["name": .string("web"), "kind": .string("pods")]), "code": .int(404),
        ]))
        let decoded = try JSONDecoder().decode(Status.self, from: encodeJSON(Status.conflict(kind: "pods", name: "web")))
        #expect(decoded == Status.conflict(kind: "pods", name: "web"))
    }

    @Test func metaTypesEncode() throws {
        let table = Table(metadata: ListMeta(resourceVersion: "7"),
                          columnDefinitions: [TableColumnDefinition(name: "Name", format: "name", description: "Name must be unique")],
                          rows: [TableRow(cells: [.string("web")], object: PartialObjectMetadata.from(.object([
                              "kind": .string("Pod"), "metadata": .object(["name": .string("web")]), "spec": .object([:]),
                          ])))])
        let json = try JSONValue(parsingJSON: encodeJSON(table))
        #expect(json["kind"] == .string("Table"))
        #expect(json["apiVersion"] == .string("meta.k8s.io/v1"))
        #expect(json["metadata"] == .object(["resourceVersion": .string("7")]))
        #expect(json["columnDefinitions"]?[0] == .object([
            "name": .string("Name"), "type": .string("string"), "format": .string("name"),
            "description": .string("Name must be unique"), "priority": .int(0),
        ]))
        #expect(json["rows"]?[0]?["object"] == .object([
            "kind": .string("PartialObjectMetadata"), "apiVersion": .string("meta.k8s.io/v1"),
            "metadata": .object(["name": .string("web")]),
        ]))

        let listMeta = try JSONValue(parsingJSON: encodeJSON(ListMeta(resourceVersion: "1", continue: "abc", remainingItemCount: 3)))
        #expect(listMeta == .object(["resourceVersion": .string("1"), "continue": .string("abc"), "remainingItemCount": .int(3)]))

        let options = try JSONDecoder().decode(DeleteOptions.self, from: Data(#"{"gracePeriodSeconds":0,"propagationPolicy":"Background","preconditions":{"uid":"u1"}}"#.utf8))
        #expect(options.gracePeriodSeconds == 0)
        #expect(options.propagationPolicy == "Background")
        #expect(options.preconditions?.uid == "u1")

        let event = try JSONValue(parsingJSON: encodeJSON(WatchEvent(type: WatchEvent.added, object: .object(["kind": .string("Pod")]))))
        #expect(event == .object(["type": .string("ADDED"), "object": .object(["kind": .string("Pod")])]))
    }
}
