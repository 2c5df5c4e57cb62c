import BerthAPI
import Foundation
import Logging
import ServiceLifecycle

/// Finishes namespace deletion, as the kube-controller-manager's namespace controller does: a
/// namespace with a deletionTimestamp (phase Terminating) has everything in it deleted, then it is
/// removed. Pods bound to a node are deleted gracefully, so the namespace goes once their agents
/// have stopped them. Driven by a watch on namespaces, with a periodic pass for the retries.
struct NamespaceController: Service {
    let store: ObjectStore
    let logger: Logger
    var resyncInterval: Duration = .seconds(1)

    func run() async throws {
        // Nothing to finish on shutdown: stop at once (its work is retried on the next start).
        await cancelWhenGracefulShutdown {
            await withThrowingTaskGroup(of: Void.self) { group in
                let (wakeups, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
                group.addTask {
                    // Wake on any namespace change; the ticker covers what waits on other objects.
                    while !Task.isCancelled {
                        guard let revision = try? await store.backend.currentRevision(),
                              let events = try? await store.backend.watch(prefix: BuiltinResources.namespaces.key(namespace: nil, name: nil),
                                                                          afterRevision: revision)
                        else {
                            try await Task.sleep(for: .seconds(1))
                            continue
                        }
                        for await _ in events { continuation.yield(()) }
                    }
                }
                group.addTask {
                    while !Task.isCancelled {
                        try await Task.sleep(for: resyncInterval)
                        continuation.yield(())
                    }
                }
                for await _ in wakeups {
                    await syncAll()
                }
                group.cancelAll()
            }
        }
    }

    /// One pass over the terminating namespaces.
    func syncAll() async {
        guard let namespaces = try? await store.list(.namespaces, namespace: nil, selection: .everything).items else { return }
        for ns in namespaces where ns.metadata["deletionTimestamp"] != nil {
            do {
                try await finish(ns.name)
            } catch {
                logger.warning("namespace deletion pending", metadata: ["namespace": "\(ns.name)", "error": "\(error)"])
            }
        }
    }

    /// Deletes the content of namespace `name`; removes the namespace when nothing is left.
    /// Returns whether the namespace is gone.
    @discardableResult
    func finish(_ name: String) async throws -> Bool {
        var remaining = 0
        for strategy in ResourceStrategy.all where strategy.resource.namespaced {
            let items = try await store.list(strategy, namespace: name, selection: .everything).items
            for item in items {
                remaining += 1
                if item.metadata["deletionTimestamp"] != nil { continue }  // already on its way
                do {
                    _ = try await store.delete(strategy, namespace: name, name: item.name, options: DeletionOptions())
                } catch {
                    if error.code == 404 { continue }
                    throw error
                }
            }
        }
        // Objects deleted at once above are gone; anything still listed waits for its finalizer.
        if remaining > 0 {
            for strategy in ResourceStrategy.all where strategy.resource.namespaced {
                if try await !store.list(strategy, namespace: name, selection: .everything).items.isEmpty { return false }
            }
        }
        do {
            _ = try await store.backend.delete(BuiltinResources.namespaces.key(namespace: nil, name: name), expectedRevision: nil)
            logger.info("namespace deleted", metadata: ["namespace": "\(name)"])
        } catch .notFound {
            return true
        }
        return true
    }
}
