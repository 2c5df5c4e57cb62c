import BerthAPI
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// `?watch=true`: a chunked stream of `{"type": ..., "object": ...}` frames, one JSON document per
/// line, flushed one by one. Without a resourceVersion (or with "0") the current objects come
/// first as ADDED; with one, the events after it are replayed from the store's history, or an
/// ERROR frame with a 410 Expired Status says it is too old. The stream ends after
/// `timeoutSeconds`, on server shutdown, or when a write fails because the client went away.
struct WatchHandler: Sendable {
    let store: ObjectStore
    let logger: Logger

    /// How often a BOOKMARK goes out when the client allows them; it also detects gone clients.
    static let bookmarkInterval: Duration = .seconds(30)

    private enum Signal: Sendable {
        case event(StorageEvent)
        case bookmark
    }

    func watch(_ target: ResourceTarget, query: Query, negotiation: Negotiation) async throws -> Response {
        let strategy = target.strategy
        let selection = try Selection(labelSelector: query.labelSelector, fieldSelector: query.fieldSelector, strategy: strategy)
        let requested = query["resourceVersion"] ?? ""
        var initial: [JSONValue] = []
        var matched: Set<String> = []
        let start: Int64
        if requested.isEmpty || requested == "0" {
            let listed = try await store.list(strategy, namespace: target.namespace, selection: selection)
            initial = listed.items
            start = listed.revision
            matched = Set(initial.map { strategy.resource.key(namespace: $0.namespace, name: $0.name) })
        } else {
            guard let rv = Int64(requested), rv >= 0 else {
                throw APIError(code: 400, reason: "BadRequest", message: "invalid resource version: \(requested)")
            }
            start = rv
            if !selection.isEverything {
                // Objects matching now, so that one that stops matching gets a DELETED.
                let listed = try await store.list(strategy, namespace: target.namespace, selection: selection)
                matched = Set(listed.items.map { strategy.resource.key(namespace: $0.namespace, name: $0.name) })
            }
        }

        let events: AsyncStream<StorageEvent>
        do {
            events = try await store.backend.watch(prefix: strategy.resource.key(namespace: target.namespace, name: nil),
                                                   afterRevision: start)
        } catch {
            guard case .compacted(let requestedRV, let oldest) = error else {
                throw APIError.storage(error, strategy.resource, name: "")
            }
            let status = APIError.expired("too old resource version: \(requestedRV) (\(oldest))").statusObject
            return Self.streamResponse(frames: [Self.frame("ERROR", status)])
        }

        let timeout = query.int("timeoutSeconds").map { max(1, $0) } ?? Int64.random(in: 1800...3600)
        let bookmarks = query.bool("allowWatchBookmarks")
        let table = negotiation.wantsTable
        let includeObject = query.includeObject
        let kind = strategy.resource.kind, apiVersion = strategy.resource.groupVersion
        let logger = self.logger

        let initialObjects = initial, initiallyMatched = matched
        let render: @Sendable (JSONValue) -> JSONValue = { object in
            guard table else { return object }
            return Tables.table(strategy, objects: [object], resourceVersion: object.metadata["resourceVersion"]?.stringValue,
                                includeObject: includeObject)
        }

        let body = ResponseBody { writer in
            let (signals, continuation) = AsyncStream.makeStream(of: Signal.self)
            let feeder = Task {
                for await event in events { continuation.yield(.event(event)) }
                continuation.finish()
            }
            let timer = Task {
                try? await Task.sleep(for: .seconds(timeout))
                continuation.finish()
            }
            let ticker = Task {
                guard bookmarks else { return }
                while !Task.isCancelled {
                    try? await Task.sleep(for: Self.bookmarkInterval)
                    continuation.yield(.bookmark)
                }
            }
            defer {
                feeder.cancel()
                timer.cancel()
                ticker.cancel()
            }
            var lastRevision = start
            var matched = initiallyMatched
            for object in initialObjects {
                try await writer.write(Self.frame("ADDED", render(object)))
            }
            try await withGracefulShutdownHandler {
                for await signal in signals {
                    switch signal {
                    case .bookmark:
                        let object: JSONValue = .object(["kind": .string(kind), "apiVersion": .string(apiVersion),
                                                         "metadata": .object(["resourceVersion": .string(String(lastRevision))])])
                        try await writer.write(Self.frame("BOOKMARK", object))
                    case .event(let event):
                        lastRevision = event.revision
                        guard let object = try? ObjectStore.decode(event.value, revision: event.revision) else { continue }
                        let matches = selection.matches(object, strategy: strategy)
                        let wasMatched = matched.contains(event.key)
                        let type: String
                        switch event.type {
                        case .added where matches:
                            type = "ADDED"
                            matched.insert(event.key)
                        case .modified where matches:
                            type = wasMatched || selection.isEverything ? "MODIFIED" : "ADDED"
                            matched.insert(event.key)
                        case .modified where wasMatched, .deleted where matches || wasMatched:
                            type = "DELETED"
                            matched.remove(event.key)
                        default:
                            continue
                        }
                        try await writer.write(Self.frame(type, render(object)))
                    }
                }
            } onGracefulShutdown: {
                continuation.finish()
            }
            logger.trace("watch ended", metadata: ["kind": "\(kind)"])
            try await writer.finish(nil)
        }
        return Response(status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-cache, private"], body: body)
    }

    static func frame(_ type: String, _ object: JSONValue) -> ByteBuffer {
        var data = encodeJSON(JSONValue.object(["type": .string(type), "object": object]))
        data.append(UInt8(ascii: "\n"))
        return ByteBuffer(bytes: data)
    }

    static func streamResponse(frames: [ByteBuffer]) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: .init(contentsOf: frames))
    }
}
