/// The kubelet's container restart back-off: the delay starts at `base`, doubles with every
/// restart up to `cap`, and starts again from `base` once a container has run for `resetAfter`.
public struct BackOff: Sendable, Equatable {
    public var base: Duration
    public var cap: Duration
    public var resetAfter: Duration
    private var current: Duration?

    public init(base: Duration = .seconds(10), cap: Duration = .seconds(300), resetAfter: Duration = .seconds(600)) {
        self.base = base
        self.cap = cap
        self.resetAfter = resetAfter
    }

    /// The delay before the next restart of a container that ran for `ranFor`.
    public mutating func next(ranFor: Duration) -> Duration {
        if ranFor >= resetAfter { current = nil }
        let delay = current.map { min($0 * 2, cap) } ?? base
        current = delay
        return delay
    }
}
