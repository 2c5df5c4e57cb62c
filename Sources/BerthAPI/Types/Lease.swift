import Foundation

// coordination.k8s.io/v1 Lease: the node heartbeat (one per node in `kube-node-lease`).

/// Kubernetes `coordination.k8s.io/v1.Lease`.
public struct Lease: Codable, Sendable, Equatable {
    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var spec: LeaseSpec?

    public init(
        apiVersion: String? = "coordination.k8s.io/v1",
        kind: String? = "Lease",
        metadata: ObjectMeta = ObjectMeta(),
        spec: LeaseSpec? = nil
    ) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.metadata = metadata
        self.spec = spec
    }
}

/// Kubernetes `coordination.k8s.io/v1.LeaseSpec`. `acquireTime` and `renewTime` are MicroTime:
/// RFC 3339 with exactly six fractional digits (`RFC3339.formatMicro`).
public struct LeaseSpec: Codable, Sendable, Equatable {
    public var holderIdentity: String?
    public var leaseDurationSeconds: Int32?
    public var acquireTime: String?
    public var renewTime: String?
    public var leaseTransitions: Int32?
    public var strategy: String?
    public var preferredHolder: String?

    public init(
        holderIdentity: String? = nil,
        leaseDurationSeconds: Int32? = nil,
        acquireTime: String? = nil,
        renewTime: String? = nil,
        leaseTransitions: Int32? = nil,
        strategy: String? = nil,
        preferredHolder: String? = nil
    ) {
        self.holderIdentity = holderIdentity
        self.leaseDurationSeconds = leaseDurationSeconds
        self.acquireTime = acquireTime
        self.renewTime = renewTime
        self.leaseTransitions = leaseTransitions
        self.strategy = strategy
        self.preferredHolder = preferredHolder
    }
}

extension RFC3339 {
    /// `2024-05-01T12:00:00.123456Z`: Kubernetes' `metav1.MicroTime` as it serialises it
    /// (always six fractional digits, UTC), used by Lease times and `Event.eventTime`.
    public static func formatMicro(_ date: Date) -> String {
        let interval = date.timeIntervalSince1970
        let whole = interval.rounded(.down)
        var micros = Int(((interval - whole) * 1e6).rounded())
        var base = format(Date(timeIntervalSince1970: whole))
        if micros >= 1_000_000 {
            micros -= 1_000_000
            base = format(Date(timeIntervalSince1970: whole + 1))
        }
        return String(base.dropLast()) + "." + String(format: "%06d", micros) + "Z"
    }
}
