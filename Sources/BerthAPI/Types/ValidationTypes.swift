import Foundation

/// The kube-apiserver's validation of Namespaces, ConfigMaps, Leases, Events and Bindings, with
/// its field paths and messages.
extension Namespace {
    public func validate() -> [FieldError] {
        var errors = ObjectMetaRules.validate(metadata, namespaced: false, name: NameValidation.dns1123Label)
        errors += ObjectMetaRules.finalizers(spec?.finalizers ?? [], path: Path("spec").child("finalizers"),
                                             requireQualified: true)
        return errors
    }
}

extension ConfigMap {
    /// Keys are config keys (`[-._a-zA-Z0-9]+`, not `.` or `..`), a key may not be in both maps,
    /// and the values together may not exceed 1 MiB.
    public func validate() -> [FieldError] {
        var errors = ObjectMetaRules.validate(metadata, namespaced: true, name: NameValidation.dns1123Subdomain)
        var total = 0
        let data = data ?? [:]
        let binary = binaryData ?? [:]
        for key in data.keys.sorted() {
            let path = Path("data").key(key).description
            errors += Self.configMapKey(key).map { .invalid(path, key, $0) }
            if binary[key] != nil { errors.append(.invalid(path, key, "duplicate of key present in binaryData")) }
            total += data[key]?.utf8.count ?? 0
        }
        for key in binary.keys.sorted() {
            let path = Path("binaryData").key(key).description
            errors += Self.configMapKey(key).map { .invalid(path, key, $0) }
            if let decoded = Data(base64Encoded: binary[key] ?? "") {
                total += decoded.count
            } else {
                errors.append(.invalid(path, key, "illegal base64 data"))
            }
        }
        if total > Self.maxSize {
            errors.append(.tooLong("", maxLength: Self.maxSize))
        }
        return errors
    }

    /// An immutable ConfigMap keeps its data, and stays immutable.
    public func validateUpdate(old: ConfigMap) -> [FieldError] {
        var errors = validate()
        guard old.immutable == true else { return errors }
        let message = "field is immutable when `immutable` is set"
        if (data ?? [:]) != (old.data ?? [:]) { errors.append(.forbidden("data", message)) }
        if (binaryData ?? [:]) != (old.binaryData ?? [:]) { errors.append(.forbidden("binaryData", message)) }
        if immutable != true { errors.append(.forbidden("immutable", message)) }
        return errors
    }

    /// `core.MaxSecretSize`, which ConfigMaps share.
    public static let maxSize = 1024 * 1024

    /// apimachinery's `IsConfigMapKey`.
    public static func configMapKey(_ key: String) -> [String] {
        var errors: [String] = []
        if key.count > 253 { errors.append("must be no more than 253 characters") }
        let valid = !key.isEmpty && key.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-._".contains($0)) }
        if !valid {
            errors.append("a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')")
        }
        if key == "." {
            errors.append("must not be '.'")
        } else if key == ".." {
            errors.append("must not be '..'")
        } else if key.hasPrefix("..") {
            errors.append("must not start with '..'")
        }
        return errors
    }
}

extension Lease {
    public func validate() -> [FieldError] {
        var errors = ObjectMetaRules.validate(metadata, namespaced: true, name: NameValidation.dns1123Subdomain)
        let spec = spec ?? LeaseSpec()
        if let duration = spec.leaseDurationSeconds, duration <= 0 {
            errors.append(.invalid("spec.leaseDurationSeconds", number: Int64(duration), "must be greater than 0"))
        }
        if let transitions = spec.leaseTransitions, transitions < 0 {
            errors.append(.invalid("spec.leaseTransitions", number: Int64(transitions), "must be greater than or equal to 0"))
        }
        if let strategy = spec.strategy, !strategy.isEmpty, strategy != "OldestEmulationVersion" {
            errors.append(.notSupported("spec.strategy", strategy, supported: ["OldestEmulationVersion"]))
        }
        if let holder = spec.preferredHolder, !holder.isEmpty, spec.strategy?.isEmpty ?? true {
            errors.append(.forbidden("spec.preferredHolder", "may only be specified if `strategy` is defined"))
        }
        return errors
    }
}

extension Event {
    /// Kubernetes' legacy (core/v1) event validation: core/v1 events are accepted with little
    /// checked, for old clients. An event without `eventTime` must agree with its object's
    /// namespace; one with `eventTime` (the new style) must say who reported it and why.
    public func validate() -> [FieldError] {
        // The event strategy checks no name grammar; the generic registry's own check (a valid
        // URL path segment) still applies.
        var errors = ObjectMetaRules.validate(metadata, namespaced: true, name: ObjectMetaRules.pathSegmentName)
        let namespace = metadata.namespace ?? ""
        let objectNamespace = involvedObject.namespace ?? ""
        let mismatch = FieldError.invalid("involvedObject.namespace", objectNamespace, "does not match event.namespace")
        if eventTime?.isEmpty ?? true {
            if objectNamespace.isEmpty {
                if !namespace.isEmpty, namespace != "default" { errors.append(mismatch) }
            } else if namespace != objectNamespace {
                errors.append(mismatch)
            }
        } else {
            if objectNamespace.isEmpty, namespace != "default", namespace != "kube-system" { errors.append(mismatch) }
            let component = reportingComponent ?? ""
            if component.isEmpty { errors.append(.required("reportingComponent")) }
            errors += NameValidation.qualifiedName(component).map { .invalid("reportingComponent", component, $0) }
            errors += Self.limited("reportingInstance", reportingInstance, 128)
            errors += Self.limited("action", action, 128)
            errors += Self.limited("reason", reason, 128)
            if (message ?? "").count > 1024 { errors.append(.invalid("message", "", "can have at most 1024 characters")) }
        }
        return errors
    }

    private static func limited(_ field: String, _ value: String?, _ limit: Int) -> [FieldError] {
        let value = value ?? ""
        if value.isEmpty { return [.required(field)] }
        return value.count > limit ? [.invalid(field, "", "can have at most \(limit) characters")] : []
    }
}

extension Binding {
    /// `ValidatePodBinding`: the target is a Node (or unspecified kind) with a name.
    public func validate() -> [FieldError] {
        var errors: [FieldError] = []
        if let kind = target.kind, !kind.isEmpty, kind != "Node" {
            errors.append(.notSupported("target.kind", kind, supported: ["Node", "<empty>"]))
        }
        if target.name?.isEmpty ?? true { errors.append(.required("target.name")) }
        return errors
    }
}
