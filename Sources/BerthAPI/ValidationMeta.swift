/// Object metadata rules shared by every namespaced object.
enum MetaValidation {
    static func validate(_ meta: ObjectMeta, path: Path = Path("metadata")) -> [FieldError] {
        var errors: [FieldError] = []
        let name = meta.name ?? ""
        let generateName = meta.generateName ?? ""
        if !name.isEmpty {
            errors += NameValidation.dns1123Subdomain(name).map { .invalid(path.child("name").description, name, $0) }
        } else if generateName.isEmpty {
            errors.append(.required(path.child("name").description, "name or generateName is required"))
        }
        if !generateName.isEmpty {
            // The server appends a random suffix, so a trailing '-' is expected and not judged.
            let prefix = generateName.hasSuffix("-") ? String(generateName.dropLast()) : generateName
            errors += NameValidation.dns1123Subdomain(prefix).map { .invalid(path.child("generateName").description, generateName, $0) }
        }
        if let namespace = meta.namespace, !namespace.isEmpty {
            errors += NameValidation.dns1123Label(namespace).map { .invalid(path.child("namespace").description, namespace, $0) }
        }
        errors += labels(meta.labels ?? [:], path: path.child("labels"))
        errors += annotations(meta.annotations ?? [:], path: path.child("annotations"))
        return errors
    }

    static func labels(_ labels: [String: String], path: Path) -> [FieldError] {
        var errors: [FieldError] = []
        for key in labels.keys.sorted() {
            errors += NameValidation.qualifiedName(key).map { .invalid(path.description, key, $0) }
            let value = labels[key] ?? ""
            errors += NameValidation.labelValue(value).map { .invalid(path.description, value, $0) }
        }
        return errors
    }

    static let totalAnnotationSizeLimit = 256 * 1024

    static func annotations(_ annotations: [String: String], path: Path) -> [FieldError] {
        var errors: [FieldError] = []
        var total = 0
        for key in annotations.keys.sorted() {
            errors += NameValidation.qualifiedName(key.lowercased()).map { .invalid(path.description, key, $0) }
            total += key.utf8.count + (annotations[key]?.utf8.count ?? 0)
        }
        if total > totalAnnotationSizeLimit {
            errors.append(.tooLong(path.description, maxLength: totalAnnotationSizeLimit))
        }
        return errors
    }
}
