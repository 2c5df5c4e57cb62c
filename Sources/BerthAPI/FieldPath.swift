/// A coding key for an array element, so that paths print `[i]` for list indices only and a
/// map key that looks like a number (a label called "1") still prints as `.1`.
struct IndexKey: CodingKey {
    let index: Int
    var stringValue: String { String(index) }
    var intValue: Int? { index }
    init(_ index: Int) { self.index = index }
    init?(stringValue: String) { nil }
    init(intValue: Int) { self.index = intValue }
}

/// Field paths as Kubernetes prints them: `.` before object keys, `[i]` for list indices.
enum FieldPath {
    static func format(_ codingPath: [any CodingKey]) -> String {
        var out = ""
        for key in codingPath {
            if let index = key as? IndexKey {
                out += "[\(index.index)]"
            } else {
                out = child(out, key.stringValue)
            }
        }
        return out
    }

    static func child(_ path: String, _ key: String) -> String {
        path.isEmpty ? key : path + "." + key
    }

    static func index(_ path: String, _ i: Int) -> String {
        path + "[\(i)]"
    }
}
