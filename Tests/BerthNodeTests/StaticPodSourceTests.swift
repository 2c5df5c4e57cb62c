import BerthAPI
import Foundation
import Testing

@testable import BerthNode

/// The static pod directory: manifests in a temp dir.
/// A class so that `deinit` removes the directory after every test, whatever the test did.
@Suite final class StaticPodSourceTests {
    let directory: String

    init() throws {
        directory = FileManager.default.temporaryDirectory.path + "/berth-static-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: directory) }

    func write(_ name: String, _ text: String) throws {
        try text.write(toFile: directory + "/" + name, atomically: true, encoding: .utf8)
    }

    static func manifest(_ name: String, image: String = "busybox") -> String {
        """
        apiVersion: v1
        kind: Pod
        metadata:
          name: \(name)
        spec:
          containers:
          - name: app
            image: \(image)
            command: ["sleep", "3600"]

        """
    }

    @Test func validManifestsBecomeDefaultedPodsWithAnnotations() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try write("web.yaml", Self.manifest("web"))
        try write("two.yml", Self.manifest("one") + "---\n" + Self.manifest("two"))
        try write("notes.txt", "not a manifest")
        try write(".hidden.yaml", "garbage: [")

        let (pods, problems) = StaticPodSource(directory: directory).desiredPods()
        #expect(problems.isEmpty)
        #expect(Set(pods.values.compactMap(\.metadata.name)) == ["web", "one", "two"])
        for (uid, pod) in pods {
            #expect(pod.metadata.uid == uid)
            #expect(pod.metadata.namespace == "default")
            #expect(pod.spec.restartPolicy == "Always")
            #expect(pod.metadata.annotations?["kubernetes.io/config.source"] == "file")
            #expect(pod.metadata.annotations?["kubernetes.io/config.hash"] == uid)
            #expect(pod.metadata.annotations?["berth.dev/manifest"]?.hasPrefix(directory + "/") == true)
        }
        #expect(pods.keys.allSatisfy { $0.range(of: "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
                                                 options: .regularExpression) != nil })
    }

    @Test(arguments: [
        ("bad.yaml", "apiVersion: v1\nkind: Pod\nmetadata: [\n"),
        ("kind.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n"),
        ("invalid.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: Not_Valid\nspec:\n  containers:\n  - name: app\n    image: busybox\n"),
        ("nocontainers.json", #"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "empty"}, "spec": {"containers": []}}"#),
    ])
    func unusableFileIsReportedAndTheOthersStillLoad(name: String, text: String) throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try write("good.yaml", Self.manifest("good"))
        try write(name, text)

        let (pods, problems) = StaticPodSource(directory: directory).desiredPods()
        #expect(pods.values.compactMap(\.metadata.name) == ["good"])
        #expect(problems.count == 1)
        #expect(problems.first?.file == directory + "/" + name)
        #expect(problems.first?.message.isEmpty == false)
        #expect(problems.first?.description.hasPrefix(directory + "/" + name + ": ") == true)
    }

    @Test func uidIsStableForUnchangedContentAndChangesWithIt() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let source = StaticPodSource(directory: directory)
        try write("web.yaml", Self.manifest("web"))
        let first = Set(source.desiredPods().pods.keys)
        let again = Set(source.desiredPods().pods.keys)
        #expect(first.count == 1)
        #expect(first == again)

        try write("web.yaml", Self.manifest("web", image: "busybox:1.36"))
        let changed = Set(source.desiredPods().pods.keys)
        #expect(changed.count == 1)
        #expect(changed != first)

        try write("web.yaml", Self.manifest("web"))
        #expect(Set(source.desiredPods().pods.keys) == first)
    }

    @Test func sameContentInAnotherFileIsAnotherPod() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try write("a.yaml", Self.manifest("web"))
        try write("b.yaml", Self.manifest("web"))
        #expect(StaticPodSource(directory: directory).desiredPods().pods.count == 2)
    }

    @Test func missingDirectoryIsEmpty() {
        let (pods, problems) = StaticPodSource(directory: directory + "/absent").desiredPods()
        #expect(pods.isEmpty && problems.isEmpty)
        try? FileManager.default.removeItem(atPath: directory)
    }

    @Test func uidHashIsDeterministicAndSensitiveToEachInput() {
        let base = StaticPodSource.uid(path: "/etc/pods/web.yaml", index: 0, content: "x")
        #expect(base == StaticPodSource.uid(path: "/etc/pods/web.yaml", index: 0, content: "x"))
        #expect(base != StaticPodSource.uid(path: "/etc/pods/web.yaml", index: 1, content: "x"))
        #expect(base != StaticPodSource.uid(path: "/etc/pods/other.yaml", index: 0, content: "x"))
        #expect(base != StaticPodSource.uid(path: "/etc/pods/web.yaml", index: 0, content: "y"))
    }
}
