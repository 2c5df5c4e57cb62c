import BerthAPI
import BerthClient
import Foundation
import Testing

@Suite struct InformerTests {
    static func pod(_ name: String, uid: String, rv: Int) -> String {
        #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"\#(name)","namespace":"default","uid":"\#(uid)","resourceVersion":"\#(rv)"},"spec":{"containers":[]}}"#
    }

    static func list(rv: Int, _ items: [String]) -> String {
        #"{"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"\#(rv)"},"items":[\#(items.joined(separator: ","))]}"#
    }

    /// List at 5 (a, b) → watch from 5 answers ERROR 410 → relist at 9 (b changed, c new, a gone)
    /// → watch from 9 brings d, then the stream ends → re-watch from d's version.
    @Test func relistsOn410AndDeliversTheDifferences() async throws {
        let seen = Recorder<StubRequest>()
        let server = try await StubServer.start { request in
            seen.append(request)
            let isWatch = request.queryValue("watch") == "true"
            let rv = request.queryValue("resourceVersion")
            switch (isWatch, rv) {
            case (false, _):
                let lists = seen.all.filter { $0.queryValue("watch") == nil }.count
                return lists == 1
                    ? .json(200, Self.list(rv: 5, [Self.pod("a", uid: "ua", rv: 3), Self.pod("b", uid: "ub", rv: 4)]))
                    : .json(200, Self.list(rv: 9, [Self.pod("b", uid: "ub", rv: 8), Self.pod("c", uid: "uc", rv: 9)]))
            case (true, "5"):
                return .stream([#"{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Expired","code":410,"message":"too old"}}"# + "\n"])
            case (true, "9"):
                return .stream([#"{"type":"ADDED","object":\#(Self.pod("d", uid: "ud", rv: 11))}"# + "\n",
                                #"{"type":"BOOKMARK","object":{"kind":"Pod","metadata":{"resourceVersion":"12"}}}"# + "\n"])
            default:
                return .stream([], thenHang: true)
            }
        }
        defer { server.stop() }
        let client = KubeClient(baseURL: server.url)
        defer { Task { await client.shutdown() } }
        let events = Recorder<String>()
        let informer = Informer<Pod>(api: client, ref: .pods(namespace: "default"), fieldSelector: "spec.nodeName=n1",
                                     initialBackOff: .milliseconds(10), watchTimeoutSeconds: 60) { event in
            switch event {
            case .added(let pod): events.append("added \(pod.metadata.name ?? "")")
            case .modified(let pod): events.append("modified \(pod.metadata.name ?? "")")
            case .deleted(let pod): events.append("deleted \(pod.metadata.name ?? "")")
            }
        }
        let task = Task { await informer.run() }
        defer { task.cancel() }

        #expect(await poll { seen.all.contains { $0.queryValue("resourceVersion") == "12" } })
        #expect(events.all == ["added a", "added b", "deleted a", "modified b", "added c", "added d"])
        #expect(await informer.listCount == 2)
        #expect(await informer.resourceVersion == "12")
        #expect(Set(await informer.objects.compactMap(\.metadata.name)) == ["b", "c", "d"])
        let watches = seen.all.filter { $0.queryValue("watch") == "true" }
        #expect(watches.allSatisfy { $0.queryValue("fieldSelector") == "spec.nodeName=n1" && $0.queryValue("allowWatchBookmarks") == "true" })
    }
}
