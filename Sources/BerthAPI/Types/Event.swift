// core/v1 Event: what the agent, scheduler and controllers record for `kubectl describe`.

/// Kubernetes `core/v1.Event`. Timestamps are RFC 3339 (`eventTime` and `series.lastObservedTime`
/// are MicroTime, with six fractional digits: see `RFC3339.formatMicro`).
public struct Event: Codable, Sendable, Equatable {
    public var apiVersion: String?
    public var kind: String?
    public var metadata: ObjectMeta
    public var involvedObject: ObjectReference
    public var reason: String?
    public var message: String?
    public var source: EventSource?
    public var firstTimestamp: String?
    public var lastTimestamp: String?
    public var count: Int32?
    /// `Normal` or `Warning`.
    public var type: String?
    public var eventTime: String?
    public var series: EventSeries?
    public var action: String?
    public var related: ObjectReference?
    public var reportingComponent: String?
    public var reportingInstance: String?

    public init(
        apiVersion: String? = "v1",
        kind: String? = "Event",
        metadata: ObjectMeta = ObjectMeta(),
        involvedObject: ObjectReference = ObjectReference(),
        reason: String? = nil,
        message: String? = nil,
        source: EventSource? = nil,
        firstTimestamp: String? = nil,
        lastTimestamp: String? = nil,
        count: Int32? = nil,
        type: String? = nil,
        eventTime: String? = nil,
        series: EventSeries? = nil,
        action: String? = nil,
        related: ObjectReference? = nil,
        reportingComponent: String? = nil,
        reportingInstance: String? = nil
    ) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.metadata = metadata
        self.involvedObject = involvedObject
        self.reason = reason
        self.message = message
        self.source = source
        self.firstTimestamp = firstTimestamp
        self.lastTimestamp = lastTimestamp
        self.count = count
        self.type = type
        self.eventTime = eventTime
        self.series = series
        self.action = action
        self.related = related
        self.reportingComponent = reportingComponent
        self.reportingInstance = reportingInstance
    }

    public static let normal = "Normal"
    public static let warning = "Warning"
}

/// Kubernetes `core/v1.EventSource`: `kubelet` on `node1`, `default-scheduler`...
public struct EventSource: Codable, Sendable, Equatable {
    public var component: String?
    public var host: String?

    public init(component: String? = nil, host: String? = nil) {
        self.component = component
        self.host = host
    }
}

/// Kubernetes `core/v1.EventSeries`: an event that repeats, counted rather than re-sent.
public struct EventSeries: Codable, Sendable, Equatable {
    public var count: Int32?
    public var lastObservedTime: String?

    public init(count: Int32? = nil, lastObservedTime: String? = nil) {
        self.count = count
        self.lastObservedTime = lastObservedTime
    }
}
