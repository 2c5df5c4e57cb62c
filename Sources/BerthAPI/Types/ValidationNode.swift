/// `ValidateNode` / `ValidateNodeUpdate` of the kube-apiserver, for the fields Berth serves.
extension Node {
    public func validate() -> [FieldError] {
        var errors = ObjectMetaRules.validate(metadata, namespaced: false, name: NameValidation.dns1123Subdomain)
        let spec = spec ?? NodeSpec()
        errors += Self.validateTaints(spec.taints ?? [], path: Path("spec").child("taints"))
        let cidrs = spec.podCIDRs ?? []
        let cidrsPath = Path("spec").child("podCIDRs")
        var families: [CIDR.Family] = []
        for (i, value) in cidrs.enumerated() {
            if let family = CIDR.family(of: value) {
                families.append(family)
            } else {
                errors.append(.invalid(cidrsPath.index(i).description, value, "invalid CIDR address: \(value)"))
            }
        }
        if cidrs.count > 1, families.count == cidrs.count, cidrs.count > 2 || families[0] == families[1] {
            errors.append(FieldError(type: .invalid, field: cidrsPath.description, badValue: "[\(cidrs.joined(separator: " "))]",
                                     badValueIsString: false, detail: "may specify no more than one CIDR for each IP family"))
        }
        let status = status ?? NodeStatus()
        errors += Self.validateResources(status.capacity ?? [:], path: Path("status").child("capacity"))
        errors += Self.validateResources(status.allocatable ?? [:], path: Path("status").child("allocatable"))
        return errors
    }

    /// The rules for changing a node: podCIDRs and providerID may only go from unset to set.
    public func validateUpdate(old: Node) -> [FieldError] {
        var errors = validate()
        let oldCIDRs = old.spec?.podCIDRs ?? []
        if !oldCIDRs.isEmpty, oldCIDRs != (spec?.podCIDRs ?? []) {
            errors.append(.forbidden("spec.podCIDRs", "node updates may not change podCIDR except from \"\" to valid"))
        }
        if let oldID = old.spec?.providerID, !oldID.isEmpty, oldID != (spec?.providerID ?? "") {
            errors.append(.forbidden("spec.providerID", "node updates may not change providerID except from \"\" to valid"))
        }
        return errors
    }

    static func validateTaints(_ taints: [Taint], path: Path) -> [FieldError] {
        var errors: [FieldError] = []
        var seen: Set<String> = []
        for (i, taint) in taints.enumerated() {
            let item = path.index(i)
            errors += NameValidation.qualifiedName(taint.key).map { .invalid(item.child("key").description, taint.key, $0) }
            let value = taint.value ?? ""
            let valueErrors = NameValidation.labelValue(value)
            if !valueErrors.isEmpty {
                errors.append(.invalid(item.child("value").description, value, valueErrors.joined(separator: ";")))
            }
            if taint.effect.isEmpty {
                errors.append(.required(item.child("effect").description))
            } else if !Taint.effects.contains(taint.effect) {
                errors.append(.notSupported(item.child("effect").description, taint.effect, supported: Taint.effects))
            }
            if !seen.insert(taint.effect + "\u{0}" + taint.key).inserted {
                errors.append(FieldError(type: .duplicate, field: item.description,
                                         badValue: "{\(taint.key) \(value) \(taint.effect) <nil>}", badValueIsString: false,
                                         detail: "taints must be unique by key and effect pair"))
            }
        }
        return errors
    }

    /// Node resource lists: never negative, and whole numbers for countable resources (`pods`).
    static func validateResources(_ resources: [String: Quantity], path: Path) -> [FieldError] {
        var errors: [FieldError] = []
        for name in resources.keys.sorted() {
            guard let quantity = resources[name] else { continue }
            let field = path.child(name).description
            if quantity.isNegative {
                errors.append(.invalid(field, quantity.string, "must be greater than or equal to 0"))
            }
            if name == "pods" || (name.contains("/") && !name.hasPrefix("kubernetes.io/") && !name.hasPrefix("requests.")),
               quantity.milliValue % 1000 != 0 {
                errors.append(.invalid(field, quantity.string, "must be an integer"))
            }
        }
        return errors
    }
}

/// Just enough of an IP parser to check CIDRs the way Go's `net.ParseCIDR` accepts them.
package enum CIDR {
    enum Family: Equatable { case v4, v6 }

    static func family(of text: String) -> Family? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let bits = Int(parts[1]), !parts[1].isEmpty, parts[1].allSatisfy(\.isASCII) else { return nil }
        if isIPv4(parts[0]) { return (0...32).contains(bits) ? .v4 : nil }
        if isIPv6(parts[0]) { return (0...128).contains(bits) ? .v6 : nil }
        return nil
    }

    package static func isIPv4(_ s: Substring) -> Bool {
        let octets = s.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets.allSatisfy { octet in
            !octet.isEmpty && octet.count <= 3 && octet.allSatisfy { $0.isASCII && $0.isNumber } && (Int(octet) ?? 256) <= 255
        }
    }

    static func isIPv6(_ s: Substring) -> Bool {
        guard s.contains(":") else { return false }
        let halves = s.components(separatedBy: "::")
        guard halves.count <= 2 else { return false }
        var groups = 0
        for (h, half) in halves.enumerated() where !half.isEmpty {
            let fields = half.split(separator: ":", omittingEmptySubsequences: false)
            for (i, field) in fields.enumerated() {
                // An embedded IPv4 address may end the last group.
                if h == halves.count - 1, i == fields.count - 1, field.contains(".") {
                    guard isIPv4(field) else { return false }
                    groups += 2
                    continue
                }
                guard (1...4).contains(field.count), field.allSatisfy(\.isHexDigit) else { return false }
                groups += 1
            }
        }
        return halves.count == 2 ? groups < 8 : groups == 8
    }
}
