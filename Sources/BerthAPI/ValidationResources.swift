/// Container resource rules: known names, non-negative amounts, requests within limits.
enum ResourceValidation {
    static let standardNames: Set<String> = ["cpu", "memory", "ephemeral-storage"]

    static func isHugePages(_ name: String) -> Bool { name.hasPrefix("hugepages-") }

    /// Extended resources (`example.com/gpu`) are domain-qualified and outside kubernetes.io.
    static func isExtended(_ name: String) -> Bool {
        guard let slash = name.firstIndex(of: "/") else { return false }
        let domain = name[..<slash]
        return !domain.hasSuffix("kubernetes.io") && !domain.hasPrefix("requests.")
            && NameValidation.qualifiedName(name).isEmpty
    }

    /// Resources that cannot be overcommitted must have requests equal to limits.
    static func allowsOvercommit(_ name: String) -> Bool {
        standardNames.contains(name)
    }

    static func validate(_ resources: ResourceRequirements, path: Path) -> [FieldError] {
        var errors: [FieldError] = []
        let limits = resources.limits ?? [:]
        let requests = resources.requests ?? [:]
        let limitsPath = path.child("limits")
        let requestsPath = path.child("requests")

        for name in limits.keys.sorted() {
            guard let quantity = limits[name] else { continue }
            errors += validateEntry(name, quantity, path: limitsPath.key(name))
        }
        for name in requests.keys.sorted() {
            guard let quantity = requests[name] else { continue }
            errors += validateEntry(name, quantity, path: requestsPath.key(name))
            guard let limit = limits[name] else { continue }
            if !allowsOvercommit(name), quantity != limit {
                errors.append(.invalid(requestsPath.description, quantity.string, "must be equal to \(name) limit of \(limit.string)"))
            } else if quantity > limit {
                errors.append(.invalid(requestsPath.description, quantity.string,
                                       "must be less than or equal to \(name) limit of \(limit.string)"))
            }
        }
        return errors
    }

    private static func validateEntry(_ name: String, _ quantity: Quantity, path: Path) -> [FieldError] {
        var errors: [FieldError] = []
        if !standardNames.contains(name), !isHugePages(name), !isExtended(name) {
            errors.append(.invalid(path.description, name, "must be a standard resource for containers"))
        }
        if quantity.isNegative {
            errors.append(.invalid(path.description, quantity.string, "must be greater than or equal to 0"))
        }
        if isExtended(name) || isHugePages(name), quantity.milliValue % 1000 != 0 {
            errors.append(.invalid(path.description, quantity.string, "must be an integer"))
        }
        return errors
    }
}

/// Quality-of-service class, computed as Kubernetes does from CPU and memory only.
public enum PodQOS {
    static let computeResources = ["cpu", "memory"]

    /// `Guaranteed` when every container (init containers included) has CPU and memory limits
    /// equal to its requests, `BestEffort` when none has any CPU or memory request or limit,
    /// else `Burstable`. Requests default to limits first, as API defaulting would do.
    public static func qosClass(for spec: PodSpec) -> String {
        var requests: [String: Quantity] = [:]
        var limits: [String: Quantity] = [:]
        var guaranteed = true
        for container in (spec.initContainers ?? []) + spec.containers {
            let containerLimits = container.resources?.limits ?? [:]
            var containerRequests = container.resources?.requests ?? [:]
            for (name, limit) in containerLimits where containerRequests[name] == nil { containerRequests[name] = limit }
            for name in computeResources {
                if let q = containerRequests[name], q.amount > 0 { requests[name] = sum(requests[name], q) }
            }
            var limitsFound = Set<String>()
            for name in computeResources {
                if let q = containerLimits[name], q.amount > 0 {
                    limitsFound.insert(name)
                    limits[name] = sum(limits[name], q)
                }
            }
            if limitsFound.count != computeResources.count { guaranteed = false }
        }
        if requests.isEmpty, limits.isEmpty { return "BestEffort" }
        if guaranteed, requests.count == limits.count,
           requests.allSatisfy({ name, q in limits[name].map { $0.amount == q.amount } ?? false }) {
            return "Guaranteed"
        }
        return "Burstable"
    }

    private static func sum(_ a: Quantity?, _ b: Quantity) -> Quantity {
        guard let a else { return b }
        let total = a.amount + b.amount
        return (try? Quantity("\(total)")) ?? b
    }
}
