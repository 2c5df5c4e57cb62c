import Testing
@testable import BerthAPI

@Suite struct QOSTests {
    static func container(requests: [String: String] = [:], limits: [String: String] = [:]) -> Container {
        func map(_ m: [String: String]) -> [String: Quantity]? {
            m.isEmpty ? nil : m.compactMapValues { try? Quantity($0) }
        }
        return Container(name: "c", image: "i", resources: ResourceRequirements(limits: map(limits), requests: map(requests)))
    }

    @Test func classes() {
        #expect(PodQOS.qosClass(for: PodSpec(containers: [Self.container()])) == "BestEffort")
        #expect(PodQOS.qosClass(for: PodSpec(containers: [Self.container(requests: ["ephemeral-storage": "1Gi"])])) == "BestEffort")
        #expect(PodQOS.qosClass(for: PodSpec(containers: [Self.container(requests: ["cpu": "100m"])])) == "Burstable")
        #expect(PodQOS.qosClass(for: PodSpec(containers: [Self.container(limits: ["cpu": "1", "memory": "1Gi"])])) == "Guaranteed")
        #expect(PodQOS.qosClass(for: PodSpec(containers: [
            Self.container(requests: ["cpu": "1000m", "memory": "1024Mi"], limits: ["cpu": "1", "memory": "1Gi"]),
        ])) == "Guaranteed")
        #expect(PodQOS.qosClass(for: PodSpec(containers: [
            Self.container(requests: ["cpu": "500m", "memory": "1Gi"], limits: ["cpu": "1", "memory": "1Gi"]),
        ])) == "Burstable")
        #expect(PodQOS.qosClass(for: PodSpec(containers: [
            Self.container(limits: ["cpu": "1", "memory": "1Gi"]), Self.container(),
        ])) == "Burstable")
        #expect(PodQOS.qosClass(for: PodSpec(initContainers: [Self.container(requests: ["memory": "1Mi"])],
                                             containers: [Self.container()])) == "Burstable")
    }
}
