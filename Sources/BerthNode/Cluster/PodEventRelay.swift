import Foundation

/// Hands the NodeAgent's pod events to whoever attaches later: the NodeAgent takes its event
/// sink at creation, before the ClusterAgent that consumes the events exists.
public final class PodEventRelay: @unchecked Sendable {
    private let lock = NSLock()
    private var targets: [@Sendable (PodEvent) -> Void] = []

    public init() {}

    /// Pass this as the NodeAgent's `sink`.
    public var sink: @Sendable (PodEvent) -> Void {
        { [self] event in
            for target in lock.withLock({ targets }) { target(event) }
        }
    }

    /// Adds a consumer; events sent before it attached are not replayed.
    public func attach(_ target: @escaping @Sendable (PodEvent) -> Void) {
        lock.withLock { targets.append(target) }
    }
}
