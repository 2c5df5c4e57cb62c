import Foundation

/// Server-side printing: the `Table` the kube-apiserver answers to `Accept: ...;as=Table`, with
/// its column definitions and cell values for every kind Berth serves. Like the kube-apiserver
/// it always fills the wide (priority 1) columns; kubectl hides them unless `-o wide`.
public enum TablePrinter {
    /// The `includeObject` query parameter: what each row's `object` carries.
    public enum IncludeObject: String, Sendable, CaseIterable {
        case none = "None"
        /// A `PartialObjectMetadata` (kind, apiVersion, metadata): Kubernetes' default.
        case metadata = "Metadata"
        case object = "Object"

        /// The policy a query value names; nil or empty means `Metadata`, as in Kubernetes.
        public init?(query: String?) {
            guard let query, !query.isEmpty else {
                self = .metadata
                return
            }
            self.init(rawValue: query)
        }
    }

    /// A table of `objects` of one kind, named by kind (`Pod`) or resource (`pods`). A kind
    /// without a printer gets Name and Age. The caller sets `metadata` (resourceVersion...).
    public static func table(kind: String, objects: [JSONValue], now: Date,
                             includeObject: IncludeObject = .metadata) -> Table {
        let printer = Printer.forKind(kind)
        let rows = objects.map { object in
            var row = printer.row(object, now)
            switch includeObject {
            case .none: row.object = nil
            case .metadata: row.object = PartialObjectMetadata.from(object)
            case .object: row.object = object
            }
            return row
        }
        return Table(columnDefinitions: printer.columns, rows: rows)
    }

    /// The column definitions of a kind's table (also for an empty list).
    public static func columns(kind: String) -> [TableColumnDefinition] {
        Printer.forKind(kind).columns
    }

    /// One kind's columns and how to fill one row from an object.
    struct Printer: Sendable {
        var columns: [TableColumnDefinition]
        var row: @Sendable (JSONValue, Date) -> TableRow

        static func forKind(_ kind: String) -> Printer {
            switch BuiltinResources.lookup(kind)?.kind {
            case "Pod": return pods
            case "Node": return nodes
            case "Namespace": return namespaces
            case "Event": return events
            case "ConfigMap": return configmaps
            case "Lease": return leases
            default: return generic
            }
        }

        /// A typed printer: decodes leniently, and if even that fails still shows the name, so
        /// one odd object never breaks a whole listing.
        static func typed<T: Decodable & SendableMetatype>(_ type: T.Type, _ columns: [TableColumnDefinition],
                                        _ cells: @escaping @Sendable (T, Date) -> TableRow) -> Printer {
            Printer(columns: columns) { object, now in
                if let value = try? ManifestDecoder.decode(T.self, from: object, strict: false).value {
                    return cells(value, now)
                }
                return TableRow(cells: fallbackCells(object, columns: columns, now: now))
            }
        }

        static func fallbackCells(_ object: JSONValue, columns: [TableColumnDefinition], now: Date) -> [JSONValue] {
            let meta = object["metadata"]
            return columns.map { column in
                switch column.name {
                case "Name": return .string(meta?["name"]?.stringValue ?? "")
                case "Age": return .string(HumanDuration.since(meta?["creationTimestamp"]?.stringValue, now: now))
                default: return .string("")
                }
            }
        }

        static let name = TableColumnDefinition(name: "Name", type: "string", format: "name", description: ColumnDescriptions.name)
        static let age = TableColumnDefinition(name: "Age", type: "string", description: ColumnDescriptions.age)

        static let generic = Printer(columns: [name, age]) { object, now in
            TableRow(cells: fallbackCells(object, columns: [name, age], now: now))
        }
    }
}
