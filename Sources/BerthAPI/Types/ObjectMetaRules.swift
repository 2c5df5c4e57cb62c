/// `ValidateObjectMeta` for the kinds in this folder: like `MetaValidation` (which Pods use),
/// but with the kind's own name rule and Kubernetes' scope rule (a cluster-scoped object may
/// not carry a namespace; a namespaced one must).
enum ObjectMetaRules {
    typealias NameRule = (String) -> [String]

    static func validate(_ meta: ObjectMeta, namespaced: Bool, name rule: NameRule,
                         path: Path = Path("metadata")) -> [FieldError] {
        var errors: [FieldError] = []
        let name = meta.name ?? ""
        let generateName = meta.generateName ?? ""
        if !generateName.isEmpty {
            // The server appends a random suffix, so a trailing '-' is expected and not judged.
            let prefix = generateName.hasSuffix("-") ? String(generateName.dropLast()) : generateName
            errors += rule(prefix).map { .invalid(path.child("generateName").description, generateName, $0) }
        }
        if name.isEmpty {
            if generateName.isEmpty {
                errors.append(.required(path.child("name").description, "name or generateName is required"))
            }
        } else {
            errors += rule(name).map { .invalid(path.child("name").description, name, $0) }
        }
        let namespace = meta.namespace ?? ""
        if namespaced {
            if namespace.isEmpty {
                errors.append(.required(path.child("namespace").description))
            } else {
                errors += NameValidation.dns1123Label(namespace).map { .invalid(path.child("namespace").description, namespace, $0) }
            }
        } else if !namespace.isEmpty {
            errors.append(.forbidden(path.child("namespace").description, "not allowed on this type"))
        }
        errors += MetaValidation.labels(meta.labels ?? [:], path: path.child("labels"))
        errors += MetaValidation.annotations(meta.annotations ?? [:], path: path.child("annotations"))
        errors += finalizers(meta.finalizers ?? [], path: path.child("finalizers"))
        return errors
    }

    /// Finalizer names must be qualified names; with `requireQualified` (a namespace's
    /// `spec.finalizers`), a name without a `/` prefix must also be a standard one. Kubernetes
    /// reports these at the list's path, without an index.
    static func finalizers(_ names: [String], path: Path, requireQualified: Bool = false) -> [FieldError] {
        var errors: [FieldError] = []
        for name in names {
            errors += NameValidation.qualifiedName(name).map { .invalid(path.description, name, $0) }
            if requireQualified, !name.contains("/"), !standardFinalizers.contains(name) {
                errors.append(.invalid(path.description, name, "name is neither a standard finalizer name nor is it fully qualified"))
            }
        }
        return errors
    }

    /// apiserver `path.ValidatePathSegmentName`: any name that can be one URL path segment.
    static func pathSegmentName(_ name: String) -> [String] {
        if name == "." || name == ".." { return ["may not be '\(name)'"] }
        var errors: [String] = []
        for bad in ["/", "%"] where name.contains(bad) { errors.append("may not contain '\(bad)'") }
        return errors
    }

    /// Kubernetes' standard finalizer names (`metav1.FinalizerOrphanDependents`...).
    static let standardFinalizers: Set<String> = ["kubernetes", "orphan", "foregroundDeletion"]
}
