import Foundation
import Testing
import Yams
@testable import BerthAPI

@Suite struct RoundTripTests {
    static func samplePod() throws -> Pod {
        try decodePods(yaml: ManifestDecodingTests.sidecarManifest, strict: true).pods[0].withDefaults()
    }

    @Test func jsonRoundTrip() throws {
        var pod = try Self.samplePod()
        pod.status = PodStatus(
            phase: "Running",
            conditions: [PodCondition(type: "Ready", status: "True", lastTransitionTime: "2024-05-01T12:00:00Z")],
            podIP: "10.88.0.5", podIPs: [PodIP(ip: "10.88.0.5")], startTime: "2024-05-01T12:00:00Z",
            containerStatuses: [ContainerStatus(
                name: "app",
                state: ContainerState(terminated: ContainerStateTerminated(exitCode: 137, signal: 9, reason: "OOMKilled")),
                lastState: ContainerState(running: ContainerStateRunning(startedAt: "2024-05-01T12:00:00Z")),
                ready: false, restartCount: 2, image: "nginx:1.25", imageID: "sha256:abc", containerID: "berth://x", started: false)],
            qosClass: PodQOS.qosClass(for: pod.spec))
        let data = encodeJSON(pod)
        let back = try JSONDecoder().decode(Pod.self, from: data)
        #expect(back == pod)
        // And through our own strict decoder: what we write, we read back without complaint.
        let value = try JSONValue(parsingJSON: encodeJSON(pod, pretty: true))
        let strict = try ManifestDecoder.decode(Pod.self, from: value, strict: true)
        #expect(strict.value == pod)
    }

    @Test func jsonOmitsNilsAndUsesKubernetesNames() throws {
        let pod = Pod(metadata: ObjectMeta(name: "x"), spec: PodSpec(containers: [
            Container(name: "a", image: "b", ports: [ContainerPort(containerPort: 80, protocol: "TCP")]),
        ]))
        let json = String(decoding: encodeJSON(pod), as: UTF8.self)
        #expect(json == #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"x"},"spec":{"containers":[{"image":"b","name":"a","ports":[{"containerPort":80,"protocol":"TCP"}]}]}}"#)
    }

    @Test func yamlRoundTrip() throws {
        let pod = try Self.samplePod()
        let yaml = encodeYAML(pod)
        #expect(yaml.hasPrefix("apiVersion: v1\nkind: Pod\nmetadata:\n"))
        #expect(yaml.contains("\n  - name: app\n"))
        let (pods, warnings) = try decodePods(yaml: yaml, strict: true)
        #expect(warnings.isEmpty)
        #expect(pods == [pod])
        // Yams' own decoder reads it back too.
        #expect(try YAMLDecoder().decode(Pod.self, from: yaml) == pod)
    }

    @Test func jsonValueKeepsIntegersExact() throws {
        let value = try JSONValue(parsingJSON: Data(#"{"big":9007199254740993,"f":1.5,"b":true,"n":null,"s":"x","a":[1,"2"]}"#.utf8))
        #expect(value["big"] == .int(9_007_199_254_740_993))
        #expect(value["f"] == .double(1.5))
        #expect(value["b"] == .bool(true))
        #expect(value["n"] == .null)
        #expect(value["a"]?[1] == .string("2"))
        #expect(value["a"]?[5] == nil)
        let again = try JSONValue(parsingJSON: encodeJSON(value))
        #expect(again == value)
        #expect(throws: ManifestError.self) { try JSONValue(parsingJSON: Data("{".utf8)) }
    }

    @Test func quantitiesKeepTheirSpelling() throws {
        let limits: [String: Quantity] = ["memory": try Quantity("1.5Gi"), "cpu": try Quantity("500m")]
        let json = String(decoding: encodeJSON(ResourceRequirements(limits: limits)), as: UTF8.self)
        #expect(json.contains(#""memory":"1.5Gi""#) && json.contains(#""cpu":"500m""#))
        let yaml = encodeYAML(ResourceRequirements(limits: ["cpu": try Quantity("1")]))
        #expect(yaml == "limits:\n  cpu: '1'\n")
    }
}
