import BerthAPI
import Foundation

/// The Node object this agent registers and keeps current: a pure function of the host's
/// facts, so its shape is tested without a host.
public enum NodeRegistration {
    public static let kubeletVersion = "v1.32.0-berth"
    public static let runtimeVersion = "berth://0.1.0"
    public static let maxPods = 110

    public static func node(name: String, facts: NodeFacts, address: String, port: Int, now: String,
                            previous: [NodeCondition]? = nil) -> Node {
        let resources: [String: Quantity] = [
            "cpu": quantity("\(facts.cpus)"),
            "memory": quantity("\(facts.memoryBytes / 1024)Ki"),
            "ephemeral-storage": quantity("\(facts.ephemeralStorageBytes / 1024)Ki"),
            "pods": quantity("\(maxPods)"),
        ]
        return Node(
            metadata: ObjectMeta(name: name, labels: [
                "kubernetes.io/hostname": name,
                "kubernetes.io/os": "linux",
                "kubernetes.io/arch": facts.architecture,
                "beta.kubernetes.io/os": "linux",
                "beta.kubernetes.io/arch": facts.architecture,
            ]),
            spec: NodeSpec(),
            status: NodeStatus(
                capacity: resources, allocatable: resources,
                conditions: conditions(now: now, previous: previous),
                addresses: [NodeAddress(type: "InternalIP", address: address), NodeAddress(type: "Hostname", address: name)],
                daemonEndpoints: NodeDaemonEndpoints(kubeletEndpoint: DaemonEndpoint(port: Int32(clamping: port))),
                nodeInfo: NodeSystemInfo(
                    machineID: facts.machineID, systemUUID: facts.machineID, bootID: facts.bootID,
                    kernelVersion: facts.kernelVersion, osImage: facts.osImage,
                    containerRuntimeVersion: runtimeVersion, kubeletVersion: kubeletVersion, kubeProxyVersion: "",
                    operatingSystem: "linux", architecture: facts.architecture)))
    }

    /// The four conditions the kubelet reports, heartbeat `now`; a condition whose status is
    /// unchanged keeps its transition time.
    public static func conditions(now: String, previous: [NodeCondition]?) -> [NodeCondition] {
        let wanted: [(String, String, String, String)] = [
            ("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
            ("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
            ("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
            ("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
        ]
        return wanted.map { type, status, reason, message in
            let old = previous?.first { $0.type == type }
            let transition = old?.status == status ? (old?.lastTransitionTime ?? now) : now
            return NodeCondition(type: type, status: status, lastHeartbeatTime: now, lastTransitionTime: transition,
                                 reason: reason, message: message)
        }
    }

    public static func lease(nodeName: String, durationSeconds: Int32 = 40, renewTime: String) -> Lease {
        Lease(metadata: ObjectMeta(name: nodeName, namespace: "kube-node-lease"),
              spec: LeaseSpec(holderIdentity: nodeName, leaseDurationSeconds: durationSeconds, renewTime: renewTime))
    }

    static func quantity(_ text: String) -> Quantity {
        (try? Quantity(text)) ?? Quantity(value: 0)
    }
}
