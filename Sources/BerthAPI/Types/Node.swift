// core/v1 Node: what an agent registers and keeps current. Field names are Kubernetes' exactly.

/// Kubernetes `core/v1.Node`.
public struct Node: Codable, Sendable, Equatable {
    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var spec: NodeSpec?
    public var status: NodeStatus?

    public init(
        apiVersion: String? = "v1",
        kind: String? = "Node",
        metadata: ObjectMeta = ObjectMeta(),
        spec: NodeSpec? = nil,
        status: NodeStatus? = nil
    ) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }
}

/// Kubernetes `core/v1.NodeSpec`.
public struct NodeSpec: Codable, Sendable, Equatable {
    public var podCIDR: String?
    public var podCIDRs: [String]?
    public var providerID: String?
    public var unschedulable: Bool?
    public var taints: [Taint]?
    public var configSource: JSONValue?
    public var externalID: String?

    public init(
        podCIDR: String? = nil,
        podCIDRs: [String]? = nil,
        providerID: String? = nil,
        unschedulable: Bool? = nil,
        taints: [Taint]? = nil,
        configSource: JSONValue? = nil,
        externalID: String? = nil
    ) {
        self.podCIDR = podCIDR
        self.podCIDRs = podCIDRs
        self.providerID = providerID
        self.unschedulable = unschedulable
        self.taints = taints
        self.configSource = configSource
        self.externalID = externalID
    }
}

/// Kubernetes `core/v1.Taint`: `effect` is `NoSchedule`, `PreferNoSchedule` or `NoExecute`.
public struct Taint: Codable, Sendable, Equatable {
    public var key: String
    public var value: String?
    public var effect: String
    public var timeAdded: String?

    public init(key: String = "", value: String? = nil, effect: String = "", timeAdded: String? = nil) {
        self.key = key
        self.value = value
        self.effect = effect
        self.timeAdded = timeAdded
    }

    public static let effects = ["NoSchedule", "PreferNoSchedule", "NoExecute"]
}

/// Kubernetes `core/v1.NodeStatus`. Resource lists keep the quantities' own spelling.
public struct NodeStatus: Codable, Sendable, Equatable {
    public var capacity: [String: Quantity]?
    public var allocatable: [String: Quantity]?
    public var phase: String?
    public var conditions: [NodeCondition]?
    public var addresses: [NodeAddress]?
    public var daemonEndpoints: NodeDaemonEndpoints?
    public var nodeInfo: NodeSystemInfo?
    public var images: [ContainerImage]?
    public var volumesInUse: [String]?
    public var volumesAttached: [JSONValue]?
    public var config: JSONValue?
    public var runtimeHandlers: [JSONValue]?
    public var features: JSONValue?

    public init(
        capacity: [String: Quantity]? = nil,
        allocatable: [String: Quantity]? = nil,
        phase: String? = nil,
        conditions: [NodeCondition]? = nil,
        addresses: [NodeAddress]? = nil,
        daemonEndpoints: NodeDaemonEndpoints? = nil,
        nodeInfo: NodeSystemInfo? = nil,
        images: [ContainerImage]? = nil,
        volumesInUse: [String]? = nil,
        volumesAttached: [JSONValue]? = nil,
        config: JSONValue? = nil,
        runtimeHandlers: [JSONValue]? = nil,
        features: JSONValue? = nil
    ) {
        self.capacity = capacity
        self.allocatable = allocatable
        self.phase = phase
        self.conditions = conditions
        self.addresses = addresses
        self.daemonEndpoints = daemonEndpoints
        self.nodeInfo = nodeInfo
        self.images = images
        self.volumesInUse = volumesInUse
        self.volumesAttached = volumesAttached
        self.config = config
        self.runtimeHandlers = runtimeHandlers
        self.features = features
    }
}

/// Kubernetes `core/v1.NodeCondition` (`Ready`, `MemoryPressure`, `DiskPressure`, `PIDPressure`...).
public struct NodeCondition: Codable, Sendable, Equatable {
    public var type: String
    public var status: String
    public var lastHeartbeatTime: String?
    public var lastTransitionTime: String?
    public var reason: String?
    public var message: String?

    public init(
        type: String = "",
        status: String = "",
        lastHeartbeatTime: String? = nil,
        lastTransitionTime: String? = nil,
        reason: String? = nil,
        message: String? = nil
    ) {
        self.type = type
        self.status = status
        self.lastHeartbeatTime = lastHeartbeatTime
        self.lastTransitionTime = lastTransitionTime
        self.reason = reason
        self.message = message
    }
}

/// Kubernetes `core/v1.NodeAddress`: `type` is `InternalIP`, `ExternalIP`, `Hostname`, `InternalDNS` or `ExternalDNS`.
public struct NodeAddress: Codable, Sendable, Equatable {
    public var type: String
    public var address: String

    public init(type: String = "", address: String = "") {
        self.type = type
        self.address = address
    }
}

/// Kubernetes `core/v1.NodeDaemonEndpoints`: where the node's agent listens (logs, exec).
public struct NodeDaemonEndpoints: Codable, Sendable, Equatable {
    public var kubeletEndpoint: DaemonEndpoint

    public init(kubeletEndpoint: DaemonEndpoint = DaemonEndpoint()) {
        self.kubeletEndpoint = kubeletEndpoint
    }
}

/// Kubernetes `core/v1.DaemonEndpoint`. The JSON key really is `Port`, capitalised.
public struct DaemonEndpoint: Codable, Sendable, Equatable {
    public var port: Int32

    public init(port: Int32 = 0) {
        self.port = port
    }

    enum CodingKeys: String, CodingKey {
        case port = "Port"
    }
}

/// Kubernetes `core/v1.NodeSystemInfo`. Kubernetes always writes every field, empty or not.
public struct NodeSystemInfo: Codable, Sendable, Equatable {
    public var machineID: String
    public var systemUUID: String
    public var bootID: String
    public var kernelVersion: String
    public var osImage: String
    public var containerRuntimeVersion: String
    public var kubeletVersion: String
    public var kubeProxyVersion: String
    public var operatingSystem: String
    public var architecture: String
    public var swap: JSONValue?

    public init(
        machineID: String = "",
        systemUUID: String = "",
        bootID: String = "",
        kernelVersion: String = "",
        osImage: String = "",
        containerRuntimeVersion: String = "",
        kubeletVersion: String = "",
        kubeProxyVersion: String = "",
        operatingSystem: String = "",
        architecture: String = "",
        swap: JSONValue? = nil
    ) {
        self.machineID = machineID
        self.systemUUID = systemUUID
        self.bootID = bootID
        self.kernelVersion = kernelVersion
        self.osImage = osImage
        self.containerRuntimeVersion = containerRuntimeVersion
        self.kubeletVersion = kubeletVersion
        self.kubeProxyVersion = kubeProxyVersion
        self.operatingSystem = operatingSystem
        self.architecture = architecture
        self.swap = swap
    }
}

/// Kubernetes `core/v1.ContainerImage`: an image present on the node.
public struct ContainerImage: Codable, Sendable, Equatable {
    public var names: [String]?
    public var sizeBytes: Int64?

    public init(names: [String]? = nil, sizeBytes: Int64? = nil) {
        self.names = names
        self.sizeBytes = sizeBytes
    }
}
