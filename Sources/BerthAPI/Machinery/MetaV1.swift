// meta/v1 envelope types the API server answers with: list metadata, tables, delete options,
// watch events and partial object metadata.

/// `metav1.ListMeta`. Every field is optional; an empty ListMeta encodes as `{}`.
public struct ListMeta: Codable, Sendable, Equatable {
    public var selfLink: String?
    public var resourceVersion: String?
    public var `continue`: String?
    public var remainingItemCount: Int64?

    public init(resourceVersion: String? = nil, continue token: String? = nil, remainingItemCount: Int64? = nil) {
        self.resourceVersion = resourceVersion
        self.continue = token
        self.remainingItemCount = remainingItemCount
    }
}

/// `metav1.Table` (`?as=Table;g=meta.k8s.io;v=v1`), what `kubectl get` prints.
public struct Table: Codable, Sendable, Equatable {
    public var kind: String = "Table"
    public var apiVersion: String = "meta.k8s.io/v1"
    public var metadata: ListMeta
    public var columnDefinitions: [TableColumnDefinition]
    public var rows: [TableRow]

    public init(metadata: ListMeta = ListMeta(), columnDefinitions: [TableColumnDefinition], rows: [TableRow]) {
        self.metadata = metadata
        self.columnDefinitions = columnDefinitions
        self.rows = rows
    }
}

/// One column. Kubernetes always writes all five fields, `format` and `description` even when
/// empty; `priority` 0 columns show by default, 1 only with `-o wide`.
public struct TableColumnDefinition: Codable, Sendable, Equatable {
    public var name: String
    /// OpenAPI type: "string", "integer", "number", "boolean", "date".
    public var type: String
    /// "name" for the name column, "" otherwise.
    public var format: String
    public var description: String
    public var priority: Int32

    public init(name: String, type: String = "string", format: String = "", description: String = "", priority: Int32 = 0) {
        self.name = name
        self.type = type
        self.format = format
        self.description = description
        self.priority = priority
    }
}

public struct TableRow: Codable, Sendable, Equatable {
    public var cells: [JSONValue]
    /// Row conditions (`Completed` rows are hidden by kubectl unless `--show-all`); omitted when nil.
    public var conditions: [JSONValue]?
    /// A PartialObjectMetadata (default) or the full object (`includeObject=Object`); nil for None.
    public var object: JSONValue?

    public init(cells: [JSONValue], conditions: [JSONValue]? = nil, object: JSONValue? = nil) {
        self.cells = cells
        self.conditions = conditions
        self.object = object
    }
}

/// `metav1.DeleteOptions`, the body of DELETE (kubectl sends `propagationPolicy` and, with
/// `--grace-period`, `gracePeriodSeconds`).
public struct DeleteOptions: Codable, Sendable, Equatable {
    public var kind: String?
    public var apiVersion: String?
    public var gracePeriodSeconds: Int64?
    public var preconditions: Preconditions?
    public var orphanDependents: Bool?
    /// "Orphan", "Background" or "Foreground".
    public var propagationPolicy: String?
    /// `["All"]` for a dry run.
    public var dryRun: [String]?

    public init(gracePeriodSeconds: Int64? = nil, preconditions: Preconditions? = nil, orphanDependents: Bool? = nil,
                propagationPolicy: String? = nil, dryRun: [String]? = nil) {
        self.gracePeriodSeconds = gracePeriodSeconds
        self.preconditions = preconditions
        self.orphanDependents = orphanDependents
        self.propagationPolicy = propagationPolicy
        self.dryRun = dryRun
    }

    public struct Preconditions: Codable, Sendable, Equatable {
        public var uid: String?
        public var resourceVersion: String?

        public init(uid: String? = nil, resourceVersion: String? = nil) {
            self.uid = uid
            self.resourceVersion = resourceVersion
        }
    }
}

/// `metav1.WatchEvent`: one line of a watch stream.
public struct WatchEvent: Codable, Sendable, Equatable {
    public static let added = "ADDED"
    public static let modified = "MODIFIED"
    public static let deleted = "DELETED"
    public static let bookmark = "BOOKMARK"
    public static let error = "ERROR"

    /// ADDED, MODIFIED, DELETED, BOOKMARK or ERROR (then `object` is a Status).
    public var type: String
    public var object: JSONValue

    public init(type: String, object: JSONValue) {
        self.type = type
        self.object = object
    }
}

/// `metav1.PartialObjectMetadata`: an object reduced to its type and metadata, as Table rows
/// carry it by default.
public enum PartialObjectMetadata {
    public static func from(_ object: JSONValue) -> JSONValue {
        .object([
            "kind": .string("PartialObjectMetadata"),
            "apiVersion": .string("meta.k8s.io/v1"),
            "metadata": object["metadata"] ?? .object([:]),
        ])
    }

    /// `PartialObjectMetadataList` for `?as=PartialObjectMetadataList;g=meta.k8s.io;v=v1`.
    public static func list(_ objects: [JSONValue], metadata: ListMeta) -> JSONValue {
        var meta: [String: JSONValue] = [:]
        if let rv = metadata.resourceVersion { meta["resourceVersion"] = .string(rv) }
        if let token = metadata.continue { meta["continue"] = .string(token) }
        if let remaining = metadata.remainingItemCount { meta["remainingItemCount"] = .int(remaining) }
        return .object([
            "kind": .string("PartialObjectMetadataList"),
            "apiVersion": .string("meta.k8s.io/v1"),
            "metadata": .object(meta),
            "items": .array(objects.map(from)),
        ])
    }
}
