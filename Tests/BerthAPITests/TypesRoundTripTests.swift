import Foundation
import Testing
@testable import BerthAPI

/// Objects as a real cluster returns them (`kubectl get ... -o json` on a kind v1.32 cluster,
/// trimmed), decoded strictly and written back unchanged, in JSON and YAML.
@Suite struct TypesRoundTripTests {
    static let nodeJSON = #"""
    {"apiVersion":"v1","kind":"Node","metadata":{"annotations":{"node.alpha.kubernetes.io/ttl":"0",
    "volumes.kubernetes.io/controller-managed-attach-detach":"true"},"creationTimestamp":"2025-01-10T09:00:00Z",
    "labels":{"beta.kubernetes.io/arch":"amd64","kubernetes.io/hostname":"kind-control-plane","kubernetes.io/os":"linux",
    "node-role.kubernetes.io/control-plane":""},"name":"kind-control-plane","resourceVersion":"4242","uid":"5f1e3a52-3c1e-4d0b-9a55-2f1f0c3e7a10"},
    "spec":{"podCIDR":"10.244.0.0/24","podCIDRs":["10.244.0.0/24"],"providerID":"kind://docker/kind/kind-control-plane",
    "taints":[{"effect":"NoSchedule","key":"node-role.kubernetes.io/control-plane"}]},
    "status":{"addresses":[{"address":"172.18.0.2","type":"InternalIP"},{"address":"kind-control-plane","type":"Hostname"}],
    "allocatable":{"cpu":"8","ephemeral-storage":"102626232Ki","hugepages-2Mi":"0","memory":"32761168Ki","pods":"110"},
    "capacity":{"cpu":"8","ephemeral-storage":"102626232Ki","hugepages-2Mi":"0","memory":"32761168Ki","pods":"110"},
    "conditions":[{"lastHeartbeatTime":"2025-01-10T10:00:00Z","lastTransitionTime":"2025-01-10T09:00:00Z",
    "message":"kubelet has sufficient memory available","reason":"KubeletHasSufficientMemory","status":"False","type":"MemoryPressure"},
    {"lastHeartbeatTime":"2025-01-10T10:00:00Z","lastTransitionTime":"2025-01-10T09:00:30Z","message":"kubelet is posting ready status",
    "reason":"KubeletReady","status":"True","type":"Ready"}],
    "daemonEndpoints":{"kubeletEndpoint":{"Port":10250}},
    "images":[{"names":["registry.k8s.io/etcd@sha256:a6dc63e6e8cfa0307d7851762fa6b629afb18f28d8aa3fab5a6e91b4af60026a",
    "registry.k8s.io/etcd:3.5.16-0"],"sizeBytes":56909194}],
    "nodeInfo":{"architecture":"amd64","bootID":"b0c8e1a4-1111-2222-3333-444455556666","containerRuntimeVersion":"containerd://1.7.24",
    "kernelVersion":"6.1.0-28-amd64","kubeProxyVersion":"v1.32.0","kubeletVersion":"v1.32.0","machineID":"0123456789abcdef0123456789abcdef",
    "operatingSystem":"linux","osImage":"Debian GNU/Linux 12 (bookworm)","systemUUID":"0123abcd-0000-1111-2222-333344445555"}}}
    """#

    static let namespaceJSON = #"""
    {"apiVersion":"v1","kind":"Namespace","metadata":{"creationTimestamp":"2025-01-10T09:00:00Z",
    "labels":{"kubernetes.io/metadata.name":"kube-node-lease"},"name":"kube-node-lease","resourceVersion":"20",
    "uid":"b7e0d5e3-9a52-4a8d-8d39-6a3cc0a1a001"},"spec":{"finalizers":["kubernetes"]},"status":{"phase":"Active"}}
    """#

    static let eventJSON = #"""
    {"apiVersion":"v1","count":3,"firstTimestamp":"2025-01-10T09:05:00Z",
    "involvedObject":{"apiVersion":"v1","fieldPath":"spec.containers{app}","kind":"Pod","name":"web","namespace":"default",
    "resourceVersion":"812","uid":"0f5b8d0e-7777-4a4a-9b9b-123456789abc"},"kind":"Event","lastTimestamp":"2025-01-10T09:07:00Z",
    "message":"Back-off restarting failed container app in pod web_default(0f5b8d0e-7777-4a4a-9b9b-123456789abc)",
    "metadata":{"creationTimestamp":"2025-01-10T09:05:00Z","name":"web.181a2b3c4d5e6f70","namespace":"default",
    "resourceVersion":"901","uid":"8e9f0a1b-2c3d-4e5f-8a9b-0c1d2e3f4a5b"},"reason":"BackOff","reportingComponent":"kubelet",
    "reportingInstance":"kind-control-plane","source":{"component":"kubelet","host":"kind-control-plane"},"type":"Warning"}
    """#

    static let configMapJSON = #"""
    {"apiVersion":"v1","binaryData":{"logo.bin":"AAECAw=="},"data":{"app.properties":"color=blue\nsize=3\n","mode":"fast"},
    "immutable":false,"kind":"ConfigMap","metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{}\n"},
    "creationTimestamp":"2025-01-10T09:10:00Z","name":"settings","namespace":"default","resourceVersion":"1001",
    "uid":"1a2b3c4d-0000-4e5f-8a9b-aaaaaaaaaaaa"}}
    """#

    static let leaseJSON = #"""
    {"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"creationTimestamp":"2025-01-10T09:00:10Z",
    "name":"kind-control-plane","namespace":"kube-node-lease","ownerReferences":[{"apiVersion":"v1","kind":"Node",
    "name":"kind-control-plane","uid":"5f1e3a52-3c1e-4d0b-9a55-2f1f0c3e7a10"}],"resourceVersion":"5120",
    "uid":"3c4d5e6f-1111-4a4a-8b8b-cccccccccccc"},"spec":{"holderIdentity":"kind-control-plane","leaseDurationSeconds":40,
    "renewTime":"2025-01-10T10:00:01.123456Z"}}
    """#

    static let bindingJSON = #"""
    {"apiVersion":"v1","kind":"Binding","metadata":{"name":"web","namespace":"default","uid":"0f5b8d0e-7777-4a4a-9b9b-123456789abc"},
    "target":{"apiVersion":"v1","kind":"Node","name":"kind-control-plane"}}
    """#

    static func json(_ text: String) throws -> JSONValue {
        try JSONValue(parsingJSON: Data(text.replacingOccurrences(of: "\n", with: "").utf8))
    }

    /// Strict decode, then encode: the same JSON tree, and again through YAML.
    static func roundTrip<T: Codable & Equatable>(_ type: T.Type, _ text: String) throws -> T {
        let original = try json(text)
        let (value, warnings) = try ManifestDecoder.decode(T.self, from: original, strict: true)
        #expect(warnings.isEmpty)
        #expect(try JSONValue(parsingJSON: encodeJSON(value)) == original)
        let yaml = encodeYAML(value)
        let documents = try ManifestDecoder.decodeDocuments(yaml: yaml)
        #expect(documents.count == 1)
        #expect(documents.first?.value == original)
        #expect(try ManifestDecoder.decode(T.self, from: documents[0], strict: true).value == value)
        return value
    }

    @Test func node() throws {
        let node = try Self.roundTrip(Node.self, Self.nodeJSON)
        #expect(node.status?.daemonEndpoints?.kubeletEndpoint.port == 10250)
        #expect(node.status?.allocatable?["memory"] == (try Quantity("32761168Ki")))
        #expect(node.spec?.taints == [Taint(key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule")])
        #expect(node.status?.nodeInfo?.kubeletVersion == "v1.32.0")
    }

    @Test func namespace() throws {
        let ns = try Self.roundTrip(Namespace.self, Self.namespaceJSON)
        #expect(ns.status?.phase == "Active")
    }

    @Test func event() throws {
        let event = try Self.roundTrip(Event.self, Self.eventJSON)
        #expect(event.involvedObject.fieldPath == "spec.containers{app}")
        #expect(event.count == 3)
    }

    @Test func configMap() throws {
        let cm = try Self.roundTrip(ConfigMap.self, Self.configMapJSON)
        #expect(cm.data?["app.properties"] == "color=blue\nsize=3\n")
        #expect(cm.immutable == false)
    }

    @Test func lease() throws {
        let lease = try Self.roundTrip(Lease.self, Self.leaseJSON)
        #expect(lease.spec?.leaseDurationSeconds == 40)
    }

    @Test func binding() throws {
        let binding = try Self.roundTrip(Binding.self, Self.bindingJSON)
        #expect(binding.target.name == "kind-control-plane")
    }

    /// Go writes zero times as `null`; they read as absent and are then omitted.
    @Test func nullTimesReadAsAbsent() throws {
        let value = try Self.json(#"{"apiVersion":"v1","kind":"Event","metadata":{"name":"e","namespace":"default"},"involvedObject":{},"eventTime":null,"firstTimestamp":null,"reportingComponent":"","reportingInstance":"","source":{}}"#)
        let event = try ManifestDecoder.decode(Event.self, from: value, strict: true).value
        #expect(event.eventTime == nil && event.firstTimestamp == nil)
        #expect(String(decoding: encodeJSON(event), as: UTF8.self) == #"{"apiVersion":"v1","involvedObject":{},"kind":"Event","metadata":{"name":"e","namespace":"default"},"reportingComponent":"","reportingInstance":"","source":{}}"#)
    }

    @Test func unknownFieldsAreReportedWithTheirPath() throws {
        let value = try Self.json(#"{"apiVersion":"v1","kind":"Node","metadata":{"name":"n"},"status":{"nodeInfo":{"kubeletVersionn":"x"}}}"#)
        #expect(throws: ManifestError.self) { try ManifestDecoder.decode(Node.self, from: value, strict: true) }
        let lenient = try ManifestDecoder.decode(Node.self, from: value, strict: false)
        #expect(lenient.warnings == [#"unknown field "status.nodeInfo.kubeletVersionn""#])
    }

    @Test func minimalObjectsEncodeOnlyWhatIsSet() {
        let lease = Lease(metadata: ObjectMeta(name: "n1", namespace: "kube-node-lease"),
                          spec: LeaseSpec(holderIdentity: "n1", leaseDurationSeconds: 40))
        #expect(String(decoding: encodeJSON(lease), as: UTF8.self)
                == #"{"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"n1","namespace":"kube-node-lease"},"spec":{"holderIdentity":"n1","leaseDurationSeconds":40}}"#)
        let endpoints = NodeDaemonEndpoints(kubeletEndpoint: DaemonEndpoint(port: 10250))
        #expect(String(decoding: encodeJSON(endpoints), as: UTF8.self) == #"{"kubeletEndpoint":{"Port":10250}}"#)
    }

    @Test(arguments: [
        (0.0, "1970-01-01T00:00:00.000000Z"),
        (1_736_499_601.123456, "2025-01-10T09:00:01.123456Z"),
        (1_736_499_601.9999996, "2025-01-10T09:00:02.000000Z"),
    ])
    func microTime(seconds: Double, expected: String) {
        #expect(RFC3339.formatMicro(Date(timeIntervalSince1970: seconds)) == expected)
    }
}
