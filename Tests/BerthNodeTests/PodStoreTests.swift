import BerthAPI
import Foundation
import Logging
import Testing

@testable import BerthNode

/// A pod's record must not come back once removed: status writes are coalesced and can land
/// after the removal (or after the whole run directory went).
@Suite struct PodStoreTests {
    let root = FileManager.default.temporaryDirectory.path + "/berth-store-\(UUID().uuidString)"
    var store: PodStore { PodStore(runDirectory: root + "/run") }

    static func pod(uid: String) -> Pod {
        Pod(metadata: ObjectMeta(name: "web", namespace: "default", uid: uid),
            spec: PodSpec(containers: [Container(name: "app", image: "busybox")]))
    }

    @Test func saveReplacesTheRecordOfAnOwnedPod() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        try store.setOwner(uid: "u1")
        var pod = Self.pod(uid: "u1")
        try store.save(pod)
        pod.status = PodStatus(phase: "Running")
        try store.save(pod)
        #expect(store.load(uid: "u1")?.status?.phase == "Running")
        #expect(!FileManager.default.fileExists(atPath: store.podDirectory("u1") + "/pod.json.tmp"))
    }

    @Test func saveAfterRemoveFailsAndRecreatesNothing() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        try store.setOwner(uid: "u2")
        store.remove(uid: "u2")
        #expect(throws: PodStoreError.self) { try store.save(Self.pod(uid: "u2")) }
        #expect(!FileManager.default.fileExists(atPath: store.podDirectory("u2")))

        try FileManager.default.removeItem(atPath: root)
        #expect(throws: PodStoreError.self) { try store.save(Self.pod(uid: "u2")) }
        #expect(!FileManager.default.fileExists(atPath: root))
    }

    @Test func aLateStatusWriteDoesNotBringARemovedRootBack() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        try store.setOwner(uid: "u3")
        let writer = StatusWriter(store: store, logger: Logger(label: "test"), delay: .milliseconds(50))
        let snapshot = PodSnapshot(namespace: "default", name: "web", uid: "u3", lifecycle: .syncing, phase: .running,
                                   sandboxID: nil, startTime: nil, initialized: true, initContainers: [], containers: [],
                                   message: nil, reason: nil, version: 1)
        writer.write(snapshot, pod: Self.pod(uid: "u3"))
        try FileManager.default.removeItem(atPath: root)
        await writer.flush()
        #expect(!FileManager.default.fileExists(atPath: root))
    }
}
