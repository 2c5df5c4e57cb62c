import BerthAPI
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Dispatches `/api/...` and `/apis/...` by what the path addresses and the method.
struct ResourceHandler: Sendable {
    let server: APIServer
    var store: ObjectStore { server.store }

    static let notFound = APIError.pathNotFound

    func handle(_ request: Request, context: APIRequestContext) async throws -> Response {
        guard let target = RequestPath.parse(request.uri.path) else { throw Self.notFound }
        let negotiation = Negotiation(accept: request.headers[.accept])
        switch target {
        case .discoveryRoot(let core):
            try requireGet(request)
            return Discovery.root(core: core, negotiation: negotiation, host: request.head.authority ?? "")
        case .discoveryGroup(let group):
            try requireGet(request)
            guard let entry = BuiltinResources.groups.first(where: { $0.group == group && !group.isEmpty }) else {
                throw Self.notFound
            }
            return APIResponse.json(Discovery.apiGroup(entry.group, entry.version))
        case .discoveryVersion(let group, let version):
            try requireGet(request)
            guard let list = Discovery.resourceList(group: group, version: version) else { throw Self.notFound }
            return APIResponse.json(list)
        case .resource(let target):
            return try await resource(target, request, negotiation)
        }
    }

    private func requireGet(_ request: Request) throws {
        guard request.method == .get else { throw APIError.methodNotAllowed() }
    }

    private func resource(_ target: ResourceTarget, _ request: Request, _ negotiation: Negotiation) async throws -> Response {
        let query = Query(request)
        let strategy = target.strategy
        switch (target.name, target.subresource, request.method) {
        case (nil, nil, .get):
            if query.isWatch {
                return try await WatchHandler(store: store, logger: server.logger)
                    .watch(target, query: query, negotiation: negotiation)
            }
            return try await list(target, query: query, negotiation: negotiation)
        case (nil, nil, .post):
            if strategy.resource.namespaced && target.namespace == nil { throw APIError.methodNotAllowed() }
            let body = try await RequestBody.object(request)
            let (object, warnings) = try await store.create(strategy, namespace: target.namespace,
                                                            body: body, options: try query.writeOptions())
            return APIResponse.json(object, status: .created, warnings: warnings)
        case (nil, nil, .delete):
            return try await deleteCollection(target, request, query: query)
        case (let name?, nil, .get):
            if query.isWatch {
                var named = query
                named.fieldSelector = "metadata.name=\(FieldSelector.escape(name))" + (query.fieldSelector.map { "," + $0 } ?? "")
                return try await WatchHandler(store: store, logger: server.logger)
                    .watch(ResourceTarget(strategy: strategy, namespace: target.namespace), query: named, negotiation: negotiation)
            }
            let object = try await store.get(strategy, namespace: target.namespace, name: name)
            return render(object, strategy: strategy, query: query, negotiation: negotiation)
        case (let name?, nil, .put):
            let body = try await RequestBody.object(request)
            let (object, warnings) = try await store.update(strategy, namespace: target.namespace, name: name, scope: .main,
                                                            options: try query.writeOptions()) { _ in body }
            return APIResponse.json(object, warnings: warnings)
        case (let name?, nil, .patch):
            return try await patch(target, name: name, scope: .main, request, query: query)
        case (let name?, nil, .delete):
            return try await delete(target, name: name, request, query: query)
        case (let name?, "status", let method) where strategy.hasStatusSubresource:
            switch method {
            case .get:
                let object = try await store.get(strategy, namespace: target.namespace, name: name)
                return render(object, strategy: strategy, query: query, negotiation: negotiation)
            case .put:
                let body = try await RequestBody.object(request)
                let (object, warnings) = try await store.update(strategy, namespace: target.namespace, name: name, scope: .status,
                                                                options: try query.writeOptions()) { _ in body }
                return APIResponse.json(object, warnings: warnings)
            case .patch:
                return try await patch(target, name: name, scope: .status, request, query: query)
            default:
                throw APIError.methodNotAllowed()
            }
        case (let name?, "binding", .post) where strategy.resource == BuiltinResources.pods:
            return try await bind(target, name: name, request, query: query)
        case (let name?, "log", .get) where strategy.resource == BuiltinResources.pods:
            return try await PodLogProxy(server: server).logs(namespace: target.namespace ?? "default", pod: name, query: query)
        case (let name?, "exec", _) where strategy.resource == BuiltinResources.pods:
            // A WebSocket upgrade is taken by the WebSocket router before it gets here; what
            // reaches this point is a plain request or an upgrade that could not be proxied.
            _ = try await ExecProxy(server: server).resolve(namespace: target.namespace ?? "default", pod: name, query: query)
            throw APIError.badRequest("Upgrade request required")
        case (_, nil, _), (_, "status", _):
            throw APIError.methodNotAllowed()
        default:
            throw Self.notFound
        }
    }

    // MARK: - Verbs

    private func list(_ target: ResourceTarget, query: Query, negotiation: Negotiation) async throws -> Response {
        let strategy = target.strategy
        let selection = try Selection(labelSelector: query.labelSelector, fieldSelector: query.fieldSelector, strategy: strategy)
        let (items, revision) = try await store.list(strategy, namespace: target.namespace, selection: selection)
        let rv = String(revision)
        if negotiation.wantsTable {
            return APIResponse.json(Tables.table(strategy, objects: items, resourceVersion: rv, includeObject: query.includeObject),
                                    contentType: Negotiation.tableContentType)
        }
        if negotiation.wantsPartialObjectMetadata {
            return APIResponse.json(.object([
                "kind": "PartialObjectMetadataList", "apiVersion": "meta.k8s.io/v1",
                "metadata": .object(["resourceVersion": .string(rv)]), "items": .array(items.map(Tables.partialObjectMetadata)),
            ]))
        }
        return APIResponse.json(Self.listObject(strategy, items: items, resourceVersion: rv))
    }

    static func listObject(_ strategy: ResourceStrategy, items: [JSONValue], resourceVersion: String) -> JSONValue {
        .object([
            "kind": .string(strategy.resource.listKind), "apiVersion": .string(strategy.resource.groupVersion),
            "metadata": .object(["resourceVersion": .string(resourceVersion)]), "items": .array(items),
        ])
    }

    private func render(_ object: JSONValue, strategy: ResourceStrategy, query: Query, negotiation: Negotiation) -> Response {
        if negotiation.wantsTable {
            let rv = object.metadata["resourceVersion"]?.stringValue ?? ""
            return APIResponse.json(Tables.table(strategy, objects: [object], resourceVersion: rv, includeObject: query.includeObject),
                                    contentType: Negotiation.tableContentType)
        }
        if negotiation.wantsPartialObjectMetadata { return APIResponse.json(Tables.partialObjectMetadata(object)) }
        return APIResponse.json(object)
    }

    private func patch(_ target: ResourceTarget, name: String, scope: WriteScope, _ request: Request, query: Query) async throws -> Response {
        let (type, patch) = try await RequestBody.patch(request)
        let kind = target.strategy.resource.kind
        let (object, warnings) = try await store.update(target.strategy, namespace: target.namespace, name: name, scope: scope,
                                                        options: try query.writeOptions()) { current in
            do {
                switch type {
                case .merge: return MergePatch.apply(patch, to: current)
                case .json: return try JSONPatch.apply(patch, to: current)
                case .strategic: return try StrategicMergePatch.apply(patch, to: current, kind: kind)
                }
            } catch {
                throw APIError(code: 422, reason: "Invalid", message: "the server rejected our request due to an error in our request: \(error)")
            }
        }
        return APIResponse.json(object, warnings: warnings)
    }

    private func delete(_ target: ResourceTarget, name: String, _ request: Request, query: Query) async throws -> Response {
        var options = DeletionOptions(body: try await deleteOptionsBody(request))
        query.apply(to: &options)
        let outcome = try await store.delete(target.strategy, namespace: target.namespace, name: name, options: options)
        return APIResponse.json(outcome.object)
    }

    private func deleteCollection(_ target: ResourceTarget, _ request: Request, query: Query) async throws -> Response {
        let strategy = target.strategy
        guard strategy.resource.verbs.contains("deletecollection") else { throw APIError.methodNotAllowed() }
        var options = DeletionOptions(body: try await deleteOptionsBody(request))
        query.apply(to: &options)
        let selection = try Selection(labelSelector: query.labelSelector, fieldSelector: query.fieldSelector, strategy: strategy)
        let (items, revision) = try await store.list(strategy, namespace: target.namespace, selection: selection)
        var deleted: [JSONValue] = []
        for item in items {
            do {
                deleted.append(try await store.delete(strategy, namespace: item.namespace, name: item.name, options: options).object)
            } catch {
                if error.code == 404 { continue }  // gone in between
                throw error
            }
        }
        return APIResponse.json(Self.listObject(strategy, items: deleted, resourceVersion: String(revision)))
    }

    private func deleteOptionsBody(_ request: Request) async throws -> JSONValue? {
        let buffer = try await RequestBody.read(request)
        guard buffer.readableBytes > 0 else { return nil }
        if RequestBody.contentType(request).contains("protobuf") {
            throw APIError.unsupportedMediaType(request.headers[.contentType] ?? "")
        }
        return try RequestBody.parse(buffer, yaml: false)
    }

    /// `POST pods/x/binding`: sets `spec.nodeName` once, with the PodScheduled condition.
    private func bind(_ target: ResourceTarget, name: String, _ request: Request, query: Query) async throws -> Response {
        let body = try await RequestBody.object(request)
        guard let node = body["target"]?["name"]?.stringValue, !node.isEmpty else {
            throw APIError.invalid(BuiltinResources.pods, name: name, errors: [.required("target.name")])
        }
        let bindingResource = ResourceInfo(group: "", version: "v1", kind: "Binding", plural: "pods/binding",
                                           singular: "", namespaced: true)
        _ = try await store.update(.pods, namespace: target.namespace, name: name, scope: .system,
                                   options: try query.writeOptions()) { current in
            if current.metadata["deletionTimestamp"] != nil {
                throw APIError.conflict(bindingResource, name: name, message: "pod \(name) is being deleted, cannot be assigned to a host")
            }
            if let assigned = current["spec"]?["nodeName"]?.stringValue, !assigned.isEmpty {
                throw APIError.conflict(bindingResource, name: name, message: "pod \(name) is already assigned to node \(quote(assigned))")
            }
            var pod = current
            pod.set(path: ["spec", "nodeName"], .string(node))
            let now = JSONValue.string(RFC3339.format(Date()))
            var conditions = (pod["status"]?["conditions"]?.arrayValue ?? []).filter { $0["type"]?.stringValue != "PodScheduled" }
            conditions.append(.object(["type": "PodScheduled", "status": "True", "lastProbeTime": .null, "lastTransitionTime": now]))
            pod.set(path: ["status", "conditions"], .array(conditions))
            return pod
        }
        return APIResponse.json(.object(["kind": "Status", "apiVersion": "v1", "metadata": .object([:]), "status": "Success",
                                         "code": 201]), status: .created)
    }
}
