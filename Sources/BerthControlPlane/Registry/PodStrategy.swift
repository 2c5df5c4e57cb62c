import BerthAPI
import Foundation

extension ResourceStrategy {
    static let pods = ResourceStrategy.typed(
        Pod.self, BuiltinResources.pods,
        defaults: { $0.withDefaults() },
        validate: { $0.validate() },
        validateUpdate: { new, old in PodUpdateRules.validate(new: new, old: old) },
        prepareForCreate: { object in
            // As the kube-apiserver: a new pod is Pending with its QoS class, whatever status it came with.
            var status: [String: JSONValue] = ["phase": "Pending"]
            if let spec = try? ManifestDecoder.decode(PodSpec.self, from: object["spec"] ?? .object([:]), strict: false).value {
                status["qosClass"] = .string(PodQOS.qosClass(for: spec))
            }
            object.set("status", .object(status))
        },
        hasStatusSubresource: true,
        selectableFields: [
            "spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
            "spec.hostNetwork", "status.phase", "status.podIP", "status.nominatedNodeName",
        ])
}

/// Kubernetes' `ValidatePodUpdate`: a pod's spec is immutable but for container images,
/// `activeDeadlineSeconds` and additions to `tolerations`.
enum PodUpdateRules {
    static let message = "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)"

    static func validate(new: JSONValue, old: JSONValue) -> [FieldError] {
        var errors: [FieldError] = []
        let oldSpec = old["spec"] ?? .object([:])
        var newSpec = new["spec"] ?? .object([:])

        // activeDeadlineSeconds may be set or lowered, never raised or removed.
        if let oldDeadline = oldSpec["activeDeadlineSeconds"]?.intValue {
            let newDeadline = newSpec["activeDeadlineSeconds"]?.intValue
            if newDeadline == nil || newDeadline! > oldDeadline {
                errors.append(.invalid("spec.activeDeadlineSeconds", number: newDeadline ?? 0,
                                       "must be less than or equal to previous value"))
            }
        }
        // Tolerations may only be added to.
        let oldTolerations = oldSpec["tolerations"]?.arrayValue ?? []
        let newTolerations = newSpec["tolerations"]?.arrayValue ?? []
        if !oldTolerations.allSatisfy({ newTolerations.contains($0) }) {
            errors.append(.forbidden("spec.tolerations", "existing toleration can not be modified except its tolerationSeconds"))
        }

        // Then everything else must be equal: copy the mutable fields over from the old spec.
        for field in ["containers", "initContainers"] {
            guard let newList = newSpec[field]?.arrayValue, let oldList = oldSpec[field]?.arrayValue,
                  newList.count == oldList.count else { continue }
            let patched = zip(newList, oldList).map { pair -> JSONValue in
                var container = pair.0
                container.set("image", pair.1["image"])
                return container
            }
            newSpec.set(field, .array(patched))
        }
        newSpec.set("activeDeadlineSeconds", oldSpec["activeDeadlineSeconds"])
        newSpec.set("tolerations", oldSpec["tolerations"])
        if newSpec != oldSpec {
            errors.append(.forbidden("spec", message))
        }
        return errors
    }
}
