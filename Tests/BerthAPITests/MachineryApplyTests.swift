import Foundation
import Testing
@testable import BerthAPI

/// kubectl's client-side apply against a server that applies strategic merge patches: the patch
/// kubectl computes from (last-applied, new manifest, live object) must change only what the
/// manifest changed, and a second apply of the same manifest must be an empty patch, which is
/// what makes kubectl print "unchanged".
@Suite struct MachineryApplyTests {
    static let lastAppliedKey = "kubectl.kubernetes.io/last-applied-configuration"

    static func yaml(_ text: String) throws -> JSONValue {
        try JSONValue(parsingYAMLDocument: text)
    }

    /// What kubectl sends as "modified": the manifest carrying itself as the annotation.
    static func withLastApplied(_ manifest: JSONValue) -> JSONValue {
        let text = String(decoding: encodeJSON(manifest), as: UTF8.self)
        guard case .object(var object) = manifest else { return manifest }
        var metadata = object["metadata"]?.objectValue ?? [:]
        var annotations = metadata["annotations"]?.objectValue ?? [:]
        annotations[lastAppliedKey] = .string(text)
        metadata["annotations"] = .object(annotations)
        object["metadata"] = .object(metadata)
        return .object(object)
    }

    static let manifest = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: web
          labels: {app: web}
        spec:
          containers:
          - name: app
            image: nginx:1.25
            ports: [{containerPort: 80}]
            env: [{name: MODE, value: prod}]
          - name: sidecar
            image: busybox
            command: [sleep, infinity]
        """

    /// The object as the server stores it after creating `manifest`: defaults, identity, status.
    static func live(_ manifest: JSONValue) throws -> JSONValue {
        let server = try yaml("""
            metadata:
              uid: 0b7c5a6e-1111-2222-3333-444455556666
              resourceVersion: "12"
              creationTimestamp: "2025-01-01T00:00:00Z"
            spec:
              restartPolicy: Always
              dnsPolicy: ClusterFirst
              terminationGracePeriodSeconds: 30
              containers:
              - name: app
                imagePullPolicy: IfNotPresent
                terminationMessagePath: /dev/termination-log
                ports: [{containerPort: 80, protocol: TCP}]
              - name: sidecar
                imagePullPolicy: Always
                terminationMessagePath: /dev/termination-log
            status:
              phase: Running
              podIP: 10.88.0.5
              conditions: [{type: Ready, status: "True"}]
              containerStatuses:
              - {name: app, ready: true, restartCount: 0}
              - {name: sidecar, ready: true, restartCount: 0}
            """)
        return try StrategicMergePatch.apply(server, to: withLastApplied(manifest), kind: "Pod")
    }

    static func applyPatch(from lastApplied: JSONValue, manifest: JSONValue, live: JSONValue) throws -> JSONValue {
        try StrategicMergePatch.createThreeWayPatch(original: lastApplied, modified: withLastApplied(manifest), current: live, kind: "Pod")
    }

    @Test func applyingTheSameManifestTwiceIsUnchanged() throws {
        let a = try Self.yaml(Self.manifest)
        let live = try Self.live(a)
        #expect(live["spec"]?["containers"]?[0]?["ports"] == (try Self.yaml("[{containerPort: 80, protocol: TCP}]")))
        #expect(try Self.applyPatch(from: a, manifest: a, live: live) == .object([:]))
    }

    @Test func changedLabelPatchesOnlyTheLabel() throws {
        let a = try Self.yaml(Self.manifest)
        let b = try Self.yaml(Self.manifest.replacingOccurrences(of: "labels: {app: web}", with: "labels: {app: web, tier: fe}"))
        let live = try Self.live(a)
        let patch = try Self.applyPatch(from: a, manifest: b, live: live)
        let lastApplied = String(decoding: encodeJSON(b), as: UTF8.self)
        #expect(patch == .object(["metadata": .object([
            "labels": .object(["tier": .string("fe")]),
            "annotations": .object([Self.lastAppliedKey: .string(lastApplied)]),
        ])]))

        let updated = try StrategicMergePatch.apply(patch, to: live, kind: "Pod")
        #expect(updated["metadata"]?["labels"] == (try Self.yaml("{app: web, tier: fe}")))
        #expect(updated["spec"] == live["spec"])
        #expect(updated["status"] == live["status"])
        // The next apply of the same manifest sends nothing.
        #expect(try Self.applyPatch(from: b, manifest: b, live: updated) == .object([:]))
    }

    @Test func containerChangesKeepServerFieldsAndDeleteRemovedContainers() throws {
        let a = try Self.yaml(Self.manifest)
        let b = try Self.yaml("""
            apiVersion: v1
            kind: Pod
            metadata:
              name: web
            spec:
              containers:
              - name: app
                image: nginx:1.26
                ports: [{containerPort: 80}]
                env: [{name: MODE, value: prod}, {name: DEBUG, value: "1"}]
            """)
        let live = try Self.live(a)
        let patch = try Self.applyPatch(from: a, manifest: b, live: live)
        let spec = try #require(patch["spec"])
        #expect(spec["$setElementOrder/containers"] == (try Self.yaml("[{name: app}]")))
        #expect(spec["containers"] == (try Self.yaml("""
            - name: app
              image: nginx:1.26
              $setElementOrder/env: [{name: MODE}, {name: DEBUG}]
              env: [{name: DEBUG, value: "1"}]
            - {name: sidecar, $patch: delete}
            """)))
        #expect(patch["metadata"]?["labels"] == .null)

        let updated = try StrategicMergePatch.apply(patch, to: live, kind: "Pod")
        let containers = try #require(updated["spec"]?["containers"]?.arrayValue)
        #expect(containers.count == 1)
        #expect(containers[0]["image"] == .string("nginx:1.26"))
        #expect(containers[0]["ports"] == (try Self.yaml("[{containerPort: 80, protocol: TCP}]")))
        #expect(containers[0]["imagePullPolicy"] == .string("IfNotPresent"))
        #expect(containers[0]["env"] == (try Self.yaml("[{name: MODE, value: prod}, {name: DEBUG, value: '1'}]")))
        #expect(updated["metadata"]?["labels"] == nil)
        #expect(updated["metadata"]?["uid"] == live["metadata"]?["uid"])
        #expect(updated["status"] == live["status"])
        #expect(try Self.applyPatch(from: b, manifest: b, live: updated) == .object([:]))
    }

    @Test func fieldsSetByOthersSurviveApply() throws {
        // `kubectl label` added a label the manifest never had: apply must not remove it.
        let a = try Self.yaml(Self.manifest)
        var live = try Self.live(a)
        live = MergePatch.apply(try Self.yaml("metadata: {labels: {team: x}}"), to: live)
        #expect(try Self.applyPatch(from: a, manifest: a, live: live) == .object([:]))
    }

    @Test func twoWayPatchForEditAndRetainKeys() throws {
        let original = try Self.yaml("""
            metadata: {finalizers: [a, b]}
            spec:
              strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1}}
              template: {spec: {containers: [{name: app, image: x}]}}
            """)
        let modified = try Self.yaml("""
            metadata: {finalizers: [b, c]}
            spec:
              strategy: {type: Recreate}
              template: {spec: {containers: [{name: app, image: y}]}}
            """)
        let patch = try StrategicMergePatch.createTwoWayPatch(original: original, modified: modified, kind: "Deployment")
        #expect(patch == (try Self.yaml("""
            metadata:
              $setElementOrder/finalizers: [b, c]
              $deleteFromPrimitiveList/finalizers: [a]
              finalizers: [c]
            spec:
              strategy: {$retainKeys: [type], type: Recreate, rollingUpdate: null}
              template:
                spec:
                  $setElementOrder/containers: [{name: app}]
                  containers: [{name: app, image: y}]
            """)))
        #expect(try StrategicMergePatch.apply(patch, to: original, kind: "Deployment") == modified)
    }

    /// A two-way patch applied to its original gives the modified object: the shape of the
    /// agent's status patches and of `kubectl edit`.
    @Test(arguments: [
        ("status: {phase: Pending, conditions: [{type: PodScheduled, status: 'True'}]}",
         "status: {phase: Running, podIP: 10.0.0.9, conditions: [{type: Initialized, status: 'True'}, {type: PodScheduled, status: 'True'}, {type: Ready, status: 'True'}]}"),
        ("status: {containerStatuses: [{name: a, state: {waiting: {reason: ContainerCreating}}}, {name: b, ready: false}]}",
         "status: {containerStatuses: [{name: a, state: {running: {startedAt: '2025-01-01T00:00:00Z'}}}, {name: b, ready: true}]}"),
        ("spec: {containers: [{name: a, image: x, env: [{name: A, value: '1'}, {name: B, value: '2'}]}, {name: b, image: y}]}",
         "spec: {containers: [{name: b, image: y}, {name: a, image: x, env: [{name: B, value: '2'}]}]}"),
        ("metadata: {labels: {a: b}, ownerReferences: [{uid: u1, name: one}, {uid: u2, name: two}]}",
         "metadata: {labels: 7, ownerReferences: [{uid: u2, name: two, controller: true}]}"),
        ("spec: {volumes: [{name: v, emptyDir: {}}], tolerations: [{key: a}]}",
         "spec: {volumes: [{name: v, hostPath: {path: /x}}], tolerations: [{key: b}, {key: a}]}"),
    ])
    func twoWayPatchRoundTrips(_ original: String, _ modified: String) throws {
        let a = try Self.yaml(original)
        let b = try Self.yaml(modified)
        let patch = try StrategicMergePatch.createTwoWayPatch(original: a, modified: b, kind: "Pod")
        #expect(try StrategicMergePatch.apply(patch, to: a, kind: "Pod") == b)
        #expect(try StrategicMergePatch.createTwoWayPatch(original: b, modified: b, kind: "Pod") == .object([:]))
    }
}
