import BerthAPI
import BerthClient
import Foundation
import Testing

@Suite struct KubeClientTests {
    static let podJSON = #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","namespace":"default","uid":"u1","resourceVersion":"7"},"spec":{"containers":[{"name":"app","image":"busybox"}]}}"#

    @Test func crudVerbsSendKubernetesRequests() async throws {
        let seen = Recorder<StubRequest>()
        let server = try await StubServer.start { request in
            seen.append(request)
            switch (request.method, request.path) {
            case ("GET", "/api/v1/namespaces/default/pods/web"): return .json(200, Self.podJSON)
            case ("GET", "/api/v1/namespaces/default/pods"):
                return .json(200, #"{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"12"},"items":[\#(Self.podJSON)]}"#)
            case ("POST", _), ("PUT", _), ("PATCH", _): return .json(request.method == "POST" ? 201 : 200, String(decoding: request.body, as: UTF8.self))
            case ("DELETE", _): return .json(200, Self.podJSON)
            default: return .json(404, status(404, "NotFound", "nope"))
            }
        }
        defer { server.stop() }
        let client = KubeClient(baseURL: server.url + "/")
        defer { Task { await client.shutdown() } }

        let pod = try await client.get(Pod.self, .pods(namespace: "default", name: "web"))
        #expect(pod.metadata.uid == "u1")
        #expect(pod.spec.containers.first?.image == "busybox")

        let list = try await client.list(Pod.self, .pods(namespace: "default"),
                                         options: ListOptions(labelSelector: "app=web,tier!=x", fieldSelector: "spec.nodeName=n1"))
        #expect(list.resourceVersion == "12")
        #expect(list.items.map(\.metadata.name) == ["web"])
        let listRequest = try #require(seen.all.last)
        #expect(listRequest.query == "fieldSelector=spec.nodeName%3Dn1&labelSelector=app%3Dweb%2Ctier%21%3Dx")

        let created = try await client.create(pod, in: .pods(namespace: "default"))
        #expect(created.metadata.name == "web")
        #expect(seen.all.last?.contentType == "application/json")
        _ = try await client.update(pod, at: .pods(namespace: "default", name: "web"))
        #expect(seen.all.last?.method == "PUT")

        for type in [PatchType.merge, .strategic, .json] {
            let body: JSONValue = type == .json ? .array([]) : .object(["metadata": .object(["labels": .object(["a": .string("b")])])])
            _ = try await client.patch(.pods(namespace: "default", name: "web", subresource: "status"), type: type, body: body)
            #expect(seen.all.last?.contentType == type.rawValue)
            #expect(seen.all.last?.path == "/api/v1/namespaces/default/pods/web/status")
        }

        _ = try await client.delete(.pods(namespace: "default", name: "web"),
                                    options: DeleteOptions(gracePeriodSeconds: 0, preconditions: .init(uid: "u1")))
        let deletion = try #require(seen.all.last)
        #expect(deletion.method == "DELETE")
        let options = try JSONValue(parsingJSON: deletion.body)
        #expect(options["gracePeriodSeconds"] == .int(0))
        #expect(options["preconditions"]?["uid"] == .string("u1"))
    }

    @Test func pathsOfGroupsAndClusterScopedResources() {
        #expect(ResourceRef.leases(namespace: "kube-node-lease", name: "n1").path == "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/n1")
        #expect(ResourceRef.nodes(name: "n1", subresource: "status").path == "/api/v1/nodes/n1/status")
        #expect(ResourceRef.pods().path == "/api/v1/pods")
        #expect(ResourceRef(group: "apps", resource: "deployments", namespace: "default").path == "/apis/apps/v1/namespaces/default/deployments")
    }

    struct ErrorCase: Sendable, CustomTestStringConvertible {
        var code: Int
        var body: String
        var reason: String
        var notFound = false, conflict = false, gone = false
        var testDescription: String { "\(code) \(reason)" }
    }

    @Test(arguments: [
        ErrorCase(code: 404, body: status(404, "NotFound", #"pods \"x\" not found"#), reason: "NotFound", notFound: true),
        ErrorCase(code: 409, body: status(409, "Conflict", "the object has been modified"), reason: "Conflict", conflict: true),
        ErrorCase(code: 409, body: status(409, "AlreadyExists", "exists"), reason: "AlreadyExists"),
        ErrorCase(code: 410, body: status(410, "Expired", "too old resource version"), reason: "Expired", gone: true),
        ErrorCase(code: 422, body: status(422, "Invalid", "Pod \"x\" is invalid"), reason: "Invalid"),
        ErrorCase(code: 500, body: "upstream exploded", reason: "InternalError"),
    ])
    func errorsAreDecodedFromStatus(_ item: ErrorCase) async throws {
        let server = try await StubServer.start { _ in .json(item.code, item.body) }
        defer { server.stop() }
        let client = KubeClient(baseURL: server.url)
        defer { Task { await client.shutdown() } }
        do {
            _ = try await client.get(.pods(namespace: "default", name: "x"))
            Issue.record("expected an error")
        } catch {
            #expect(error.code == item.code)
            #expect(error.reason == item.reason)
            #expect(error.isNotFound == item.notFound)
            #expect(error.isConflict == item.conflict)
            #expect(error.isGone == item.gone)
            #expect(!error.message.isEmpty)
        }
    }

    @Test func unreachableServerIsATransportError() async {
        let client = KubeClient(baseURL: "http://127.0.0.1:1")
        defer { Task { await client.shutdown() } }
        do {
            _ = try await client.get(.nodes(name: "n1"))
            Issue.record("expected an error")
        } catch {
            #expect(error.isTransport)
        }
    }

    @Test func watchParsesFramesSplitAcrossChunks() async throws {
        let frames = [
            #"{"type":"ADDED","object":{"kind":"Pod","metadata":{"name":"a","resourceVersion":"2"},"note":"{ \"brace\" }"}}"#,
            #"{"type":"MODIFIED","object":{"kind":"Pod","metadata":{"name":"a","resourceVersion":"3"}}}"#,
            #"{"type":"ERROR","object":{"kind":"Status","code":410,"reason":"Expired","message":"too old"}}"#,
        ]
        let text = frames.joined(separator: "\n") + "\n"
        // Cut in the middle of objects, strings and escapes.
        let cuts = [7, 31, 64, 65, 90, 150, 151]
        var pieces: [String] = []
        var start = text.startIndex
        for cut in cuts {
            let end = text.index(text.startIndex, offsetBy: cut)
            pieces.append(String(text[start..<end]))
            start = end
        }
        pieces.append(String(text[start...]))
        let chunks = pieces
        let seen = Recorder<StubRequest>()
        let server = try await StubServer.start { request in
            seen.append(request)
            return .stream(chunks)
        }
        defer { server.stop() }
        let client = KubeClient(baseURL: server.url)
        defer { Task { await client.shutdown() } }

        var events: [WatchEvent] = []
        for try await event in client.watch(.pods(), options: ListOptions(fieldSelector: "spec.nodeName=n1", resourceVersion: "1",
                                                                           timeoutSeconds: 30, allowWatchBookmarks: true)) {
            events.append(event)
        }
        #expect(events.map(\.type) == ["ADDED", "MODIFIED", "ERROR"])
        #expect(events.first?.object["note"] == .string("{ \"brace\" }"))
        #expect(events.last?.object["code"] == .int(410))
        #expect(seen.all.first?.query == "allowWatchBookmarks=true&fieldSelector=spec.nodeName%3Dn1&resourceVersion=1&timeoutSeconds=30&watch=true")
    }

    @Test func watchFailureThrowsTheStatus() async throws {
        let server = try await StubServer.start { _ in .json(410, status(410, "Expired", "too old resource version: 1 (5)")) }
        defer { server.stop() }
        let client = KubeClient(baseURL: server.url)
        defer { Task { await client.shutdown() } }
        do {
            for try await _ in client.watch(.pods(), options: ListOptions(resourceVersion: "1")) {}
            Issue.record("expected an error")
        } catch let error as KubeError {
            #expect(error.isGone)
        }
    }

    @Test func kubeconfigRoundTrip() throws {
        let path = FileManager.default.temporaryDirectory.path + "/berth-kubeconfig-\(UUID().uuidString)/kubeconfig"
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        try Kubeconfig.write(server: "http://127.0.0.1:6443", path: path)
        #expect(try Kubeconfig.server(path: path) == "http://127.0.0.1:6443")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("current-context: berth"))
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(throws: Kubeconfig.ReadError.self) { try Kubeconfig.server(path: path, context: "other") }
    }
}
