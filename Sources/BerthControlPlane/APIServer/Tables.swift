import BerthAPI
import Foundation

/// `as=Table` answers: the server-side printers' columns, with each row's `object` the
/// PartialObjectMetadata kubectl needs for `-A`, `--show-labels` and `-L` (or the whole object
/// with `includeObject=Object`, which `--sort-by` asks for).
enum Tables {
    static func table(_ strategy: ResourceStrategy, objects: [JSONValue], resourceVersion: String?,
                      includeObject: String?) -> JSONValue {
        let include = TablePrinter.IncludeObject(query: includeObject) ?? .metadata
        var table = JSONValue.from(TablePrinter.table(kind: strategy.resource.kind, objects: objects, now: Date(),
                                                      includeObject: include))
        table.set("kind", "Table")
        table.set("apiVersion", "meta.k8s.io/v1")
        table.set("metadata", .object(resourceVersion.map { ["resourceVersion": .string($0)] } ?? [:]))
        return table
    }

    static func partialObjectMetadata(_ object: JSONValue) -> JSONValue {
        .object(["kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": object.metadata])
    }
}
