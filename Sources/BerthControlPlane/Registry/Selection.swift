import BerthAPI

/// The `labelSelector` and `fieldSelector` of a list, watch or deletecollection, checked against
/// the fields the kind supports (unsupported fields → 400, as the kube-apiserver answers).
struct Selection: Sendable {
    var labels: LabelSelector = .everything
    var fields: FieldSelector = .everything

    static let everything = Selection()

    init(labels: LabelSelector = .everything, fields: FieldSelector = .everything) {
        self.labels = labels
        self.fields = fields
    }

    init(labelSelector: String?, fieldSelector: String?, strategy: ResourceStrategy) throws(APIError) {
        do {
            if let labelSelector, !labelSelector.isEmpty { labels = try LabelSelector(parsing: labelSelector) }
        } catch {
            throw APIError.badRequest("unable to parse requirement: \(error)")
        }
        do {
            if let fieldSelector, !fieldSelector.isEmpty {
                fields = try FieldSelector(parsing: fieldSelector)
                try fields.validate(supportedFields: strategy.selectableFields)
            }
        } catch {
            throw APIError.badRequest("\(error)")
        }
    }

    func matches(_ object: JSONValue, strategy: ResourceStrategy) -> Bool {
        labels.matches(object.labels) && fields.matches { strategy.fieldValue($0, of: object) }
    }

    var isEverything: Bool { labels == .everything && fields.isEmpty }
}
