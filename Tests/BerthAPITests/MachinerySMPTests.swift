import Foundation
import Testing
@testable import BerthAPI

@Suite struct MachinerySMPTests {
    static func yaml(_ text: String) throws -> JSONValue {
        try JSONValue(parsingYAMLDocument: text)
    }

    static func apply(_ patch: String, to original: String, kind: String = "Pod") throws -> JSONValue {
        try StrategicMergePatch.apply(yaml(patch), to: yaml(original), kind: kind)
    }

    static let livePod = """
        metadata:
          name: web
          labels: {app: web}
          finalizers: [a.example.com/x, b.example.com/y]
        spec:
          containers:
          - name: app
            image: nginx:1.25
            ports:
            - {containerPort: 80, protocol: TCP, name: http}
            - {containerPort: 443, protocol: TCP}
            env:
            - {name: A, value: "1"}
            - {name: B, value: "2"}
          - name: sidecar
            image: busybox
            args: [sleep, "3600"]
          tolerations:
          - {key: k1, operator: Exists}
          volumes:
          - name: data
            emptyDir: {}
        status:
          phase: Running
          conditions:
          - {type: Ready, status: "True"}
          - {type: PodScheduled, status: "True"}
        """

    @Test func mergesContainersByNameKeepingPorts() throws {
        let result = try Self.apply("spec: {containers: [{name: app, image: 'nginx:1.26'}]}", to: Self.livePod)
        let containers = try #require(result["spec"]?["containers"]?.arrayValue)
        #expect(containers.map { $0["name"] } == [.string("app"), .string("sidecar")])
        #expect(containers[0]["image"] == .string("nginx:1.26"))
        #expect(containers[0]["ports"]?.arrayValue?.count == 2)
        #expect(containers[0]["env"]?.arrayValue?.count == 2)
        #expect(containers[1] == (try Self.yaml(Self.livePod))["spec"]?["containers"]?[1])
        #expect(result["status"] == (try Self.yaml(Self.livePod))["status"])
    }

    @Test func mergesNestedListsByTheirKeys() throws {
        let result = try Self.apply("""
            spec:
              containers:
              - name: app
                ports: [{containerPort: 80, name: web}, {containerPort: 8080}]
                env: [{name: B, value: "3"}, {name: C, value: "4"}]
            """, to: Self.livePod)
        let app = try #require(result["spec"]?["containers"]?[0])
        let ports = try #require(app["ports"]?.arrayValue)
        // As in Kubernetes, without $setElementOrder a new element goes before the server-only
        // elements that followed the patched ones.
        #expect(ports.compactMap { $0["containerPort"]?.intValue } == [80, 8080, 443])
        #expect(ports[0] == (try Self.yaml("{containerPort: 80, protocol: TCP, name: web}")))
        let env = try #require(app["env"]?.arrayValue)
        #expect(env.compactMap { $0["name"]?.stringValue } == ["A", "B", "C"])
        #expect(env[1]["value"] == .string("3"))
    }

    @Test func deleteDirectiveInListRemovesElement() throws {
        let result = try Self.apply("spec: {containers: [{name: sidecar, $patch: delete}]}", to: Self.livePod)
        #expect(result["spec"]?["containers"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["app"])
    }

    @Test func replaceDirectiveInListReplacesIt() throws {
        let result = try Self.apply("spec: {containers: [{name: only, image: x}, {$patch: replace}]}", to: Self.livePod)
        #expect(result["spec"]?["containers"] == (try Self.yaml("[{name: only, image: x}]")))
    }

    @Test func mapDirectives() throws {
        let replaced = try Self.apply("metadata: {labels: {$patch: replace, tier: fe}}", to: Self.livePod)
        #expect(replaced["metadata"]?["labels"] == (try Self.yaml("{tier: fe}")))
        let deleted = try Self.apply("metadata: {labels: {$patch: delete}}", to: Self.livePod)
        #expect(deleted["metadata"]?["labels"] == .object([:]))
        let merged = try Self.apply("metadata: {labels: {$patch: merge, tier: fe}}", to: Self.livePod)
        #expect(merged["metadata"]?["labels"] == (try Self.yaml("{app: web, tier: fe}")))
        #expect(throws: PatchError.self) { try Self.apply("metadata: {labels: {$patch: frob}}", to: Self.livePod) }
    }

    @Test func setElementOrderReordersAndKeepsServerOnlyElements() throws {
        let result = try Self.apply("""
            spec:
              $setElementOrder/containers: [{name: sidecar}, {name: app}]
              containers: [{name: app, image: 'nginx:2'}]
            """, to: Self.livePod)
        let names = result["spec"]?["containers"]?.arrayValue?.compactMap { $0["name"]?.stringValue }
        #expect(names == ["sidecar", "app"])
        #expect(result["spec"]?["containers"]?[1]?["ports"]?.arrayValue?.count == 2)

        // Only an order: no content change.
        let reordered = try Self.apply("""
            spec:
              containers:
              - name: app
                $setElementOrder/env: [{name: B}, {name: A}]
            """, to: Self.livePod)
        #expect(reordered["spec"]?["containers"]?[0]?["env"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["B", "A"])
    }

    @Test func retainKeysClearsOtherFields() throws {
        let deployment = """
            spec:
              replicas: 2
              strategy:
                type: RollingUpdate
                rollingUpdate: {maxSurge: 25%, maxUnavailable: 25%}
            """
        let result = try Self.apply("spec: {strategy: {$retainKeys: [type], type: Recreate}}", to: deployment, kind: "Deployment")
        #expect(result["spec"]?["strategy"] == (try Self.yaml("{type: Recreate}")))
        #expect(result["spec"]?["replicas"] == .int(2))
        #expect(throws: PatchError.self) {
            try Self.apply("spec: {strategy: {$retainKeys: [type], rollingUpdate: {}}}", to: deployment, kind: "Deployment")
        }

        // Volumes merge by name and retain keys per element: switching the source drops the old one.
        let pod = try Self.apply("""
            spec: {volumes: [{name: data, $retainKeys: [hostPath, name], hostPath: {path: /srv}}]}
            """, to: Self.livePod)
        #expect(pod["spec"]?["volumes"] == (try Self.yaml("[{name: data, hostPath: {path: /srv}}]")))
    }

    @Test func nullDeletesKeys() throws {
        let result = try Self.apply("metadata: {labels: {app: null, new: x}}\nspec: {tolerations: null}", to: Self.livePod)
        #expect(result["metadata"]?["labels"] == (try Self.yaml("{new: x}")))
        #expect(result["spec"]?["tolerations"] == nil)
        // A null under a key the original lacks leaves no null behind.
        let fresh = try Self.apply("metadata: {annotations: {a: null, b: x}}", to: Self.livePod)
        #expect(fresh["metadata"]?["annotations"] == (try Self.yaml("{b: x}")))
    }

    @Test func listsWithoutMergeKeyAreReplaced() throws {
        let result = try Self.apply("""
            spec:
              tolerations: [{key: k2, operator: Exists}]
              containers: [{name: sidecar, args: [sleep, "1"]}]
            """, to: Self.livePod)
        #expect(result["spec"]?["tolerations"] == (try Self.yaml("[{key: k2, operator: Exists}]")))
        #expect(result["spec"]?["containers"]?[1]?["args"] == (try Self.yaml("[sleep, '1']")))
    }

    @Test func primitiveListsMergeAsSets() throws {
        let added = try Self.apply("metadata: {finalizers: [c.example.com/z, a.example.com/x]}", to: Self.livePod)
        #expect(added["metadata"]?["finalizers"] == (try Self.yaml("[c.example.com/z, a.example.com/x, b.example.com/y]")))
        let removed = try Self.apply("metadata: {$deleteFromPrimitiveList/finalizers: [a.example.com/x]}", to: Self.livePod)
        #expect(removed["metadata"]?["finalizers"] == (try Self.yaml("[b.example.com/y]")))
    }

    @Test func statusConditionsMergeByType() throws {
        let result = try Self.apply("""
            status:
              $setElementOrder/conditions: [{type: PodScheduled}, {type: Ready}, {type: Initialized}]
              conditions: [{type: Ready, status: "False"}, {type: Initialized, status: "True"}]
            """, to: Self.livePod)
        #expect(result["status"]?["conditions"] == (try Self.yaml("""
            [{type: PodScheduled, status: "True"}, {type: Ready, status: "False"}, {type: Initialized, status: "True"}]
            """)))
    }

    @Test func nodeAddressesMergeByTypeAndTaintsAreReplaced() throws {
        let node = """
            spec: {taints: [{key: a, effect: NoSchedule}, {key: b, effect: NoSchedule}]}
            status: {addresses: [{type: InternalIP, address: 10.0.0.1}, {type: Hostname, address: n1}]}
            """
        let result = try Self.apply("""
            spec: {taints: [{key: b, effect: NoSchedule}]}
            status: {addresses: [{type: InternalIP, address: 10.0.0.2}]}
            """, to: node, kind: "Node")
        #expect(result["spec"]?["taints"] == (try Self.yaml("[{key: b, effect: NoSchedule}]")))
        #expect(result["status"]?["addresses"] == (try Self.yaml("[{type: InternalIP, address: 10.0.0.2}, {type: Hostname, address: n1}]")))
    }

    @Test func deploymentTemplateUsesPodSpecKeys() throws {
        let deployment = """
            spec:
              template:
                metadata: {annotations: {a: b}}
                spec:
                  containers: [{name: app, image: x, ports: [{containerPort: 80}]}]
            """
        let result = try Self.apply("""
            spec: {template: {metadata: {annotations: {kubectl.kubernetes.io/restartedAt: "2025-01-01T00:00:00Z"}},
                              spec: {containers: [{name: app, image: y}]}}}
            """, to: deployment, kind: "Deployment")
        #expect(result["spec"]?["template"]?["spec"]?["containers"] == (try Self.yaml("[{name: app, image: y, ports: [{containerPort: 80}]}]")))
        #expect(result["spec"]?["template"]?["metadata"]?["annotations"]?.objectValue?.count == 2)
    }

    @Test func rejectsMalformedPatches() throws {
        #expect(throws: PatchError.self) { try StrategicMergePatch.apply(.array([]), to: .object([:]), kind: "Pod") }
        #expect(throws: PatchError.self) { try Self.apply("spec: {containers: [{image: x}]}", to: Self.livePod) }
        #expect(throws: PatchError.self) { try Self.apply("spec: {containers: [{$patch: delete}]}", to: Self.livePod) }
    }
}
