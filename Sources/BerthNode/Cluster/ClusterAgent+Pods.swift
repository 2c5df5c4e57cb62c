import BerthAPI
import BerthClient
import Foundation

extension ClusterAgent {
    static let mirrorAnnotation = "kubernetes.io/config.mirror"

    /// One change of a pod bound to this node, in the server's order. Slow work (stopping a
    /// pod within its grace period) runs in its own task so that other pods are not held up.
    func handle(_ event: InformerEvent<Pod>) async {
        switch event {
        case .added(let pod), .modified(let pod):
            if pod.metadata.annotations?[Self.mirrorAnnotation] != nil {
                await mirrorChanged(pod)
            } else if pod.metadata.deletionTimestamp != nil {
                finalize(pod)
            } else {
                await startIfNeeded(pod)
            }
        case .deleted(let pod):
            if pod.metadata.annotations?[Self.mirrorAnnotation] != nil {
                await mirrorDeleted(pod)
            } else if let uid = pod.metadata.uid, apiPods[uid] != nil, !finalizing.contains(uid) {
                // Deleted from the API without waiting for us (grace 0, or a forced delete).
                finalizing.insert(uid)
                Task { await self.stopAndForget(pod, gracePeriodSeconds: 0, deleteFromAPI: false) }
            }
        }
    }

    func startIfNeeded(_ pod: Pod) async {
        guard let uid = pod.metadata.uid, let name = pod.metadata.name, !finalizing.contains(uid) else { return }
        let namespace = pod.metadata.namespace ?? "default"
        let known = apiPods[uid] != nil
        apiPods[uid] = pod
        guard !known else { return }
        // A pod that finished before this agent started is not run again (unless this node still holds it).
        let phase = pod.status?.phase
        if phase == "Succeeded" || phase == "Failed", agent.store.load(uid: uid) == nil { return }
        localUIDs["\(namespace)/\(name)"] = uid
        await statusManager.setTarget(uid: uid, .init(namespace: namespace, name: name, uid: uid, spec: pod.spec),
                                    current: pod.status)
        do {
            try await agent.start(pod)
        } catch {
            logger.error("pod not started", metadata: ["pod": "\(namespace)/\(name)", "uid": "\(uid)", "error": "\(error)"])
            recorder.record(reference(pod, fieldPath: nil), type: Event.warning, reason: "FailedCreatePodSandBox",
                            message: "Failed to create pod sandbox: \(error)")
        }
    }

    /// The kubelet's side of a graceful deletion: stop the pod within
    /// min(deletionGracePeriodSeconds, terminationGracePeriodSeconds), remove it from the
    /// node, then delete the API object for good (grace 0, only if it is still this UID).
    func finalize(_ pod: Pod) {
        guard let uid = pod.metadata.uid, finalizing.insert(uid).inserted else { return }
        apiPods[uid] = pod
        let specGrace = pod.spec.terminationGracePeriodSeconds ?? 30
        let grace = max(0, min(pod.metadata.deletionGracePeriodSeconds ?? specGrace, specGrace))
        Task { await self.stopAndForget(pod, gracePeriodSeconds: grace, deleteFromAPI: true) }
    }

    func stopAndForget(_ pod: Pod, gracePeriodSeconds: Int64, deleteFromAPI: Bool) async {
        guard let uid = pod.metadata.uid, let name = pod.metadata.name else { return }
        let namespace = pod.metadata.namespace ?? "default"
        if await agent.podUIDs.contains(uid) {
            if let snapshot = await agent.snapshot(uid: uid) {
                for track in snapshot.initContainers + snapshot.containers {
                    guard case .running = track.state else { continue }
                    recorder.record(reference(pod, container: track.name), reason: "Killing",
                                    message: "Stopping container \(track.name)")
                }
            }
            await agent.terminate(uid: uid, gracePeriodSeconds: Double(gracePeriodSeconds), remove: true)
        } else if let local = agent.store.load(uid: uid) {
            await agent.removeOrphan(local, gracePeriodSeconds: Double(gracePeriodSeconds))
        }
        await statusManager.forget(uid: uid)
        if deleteFromAPI {
            // As the kubelet's status manager, retry until the API has it: nothing else would
            // finish the deletion, and `kubectl delete` waits for it.
            var retryIn = Duration.milliseconds(200)
            while await !finalDelete(namespace: namespace, name: name, uid: uid), !Task.isCancelled {
                try? await Task.sleep(for: retryIn)
                retryIn = min(retryIn * 2, .seconds(10))
            }
        }
        logger.info("pod removed", metadata: ["pod": "\(namespace)/\(name)", "uid": "\(uid)"])
        forgetPod(uid: uid, key: "\(namespace)/\(name)")
    }

    /// Deletes the pod object for good (grace 0, only if it is still this UID). True when that is
    /// done or moot (gone, or replaced by a new pod of the same name); false to retry.
    private func finalDelete(namespace: String, name: String, uid: String) async -> Bool {
        do {
            _ = try await api.delete(.pods(namespace: namespace, name: name),
                                     options: DeleteOptions(gracePeriodSeconds: 0, preconditions: .init(uid: uid)))
            return true
        } catch where error.isNotFound || error.isConflict {
            return true
        } catch {
            logger.warning("pod deletion not finalized, retrying", metadata: ["pod": "\(namespace)/\(name)", "error": "\(error)"])
            return false
        }
    }

    func forgetPod(uid: String, key: String) {
        apiPods[uid] = nil
        finalizing.remove(uid)
        if localUIDs[key] == uid { localUIDs[key] = nil }
    }

    /// After the first list: pods this node holds that the API no longer has were deleted while
    /// no agent watched; stop and remove them, all at once (each waits out its grace period).
    /// Static pods and pods another live berth process owns (`berth run`) are not ours to judge.
    func removeOrphans() async {
        guard let informer else { return }
        let known = Set(await informer.objects.compactMap(\.metadata.uid))
        var orphans: [Pod] = []
        for pod in agent.store.list() {
            guard let uid = pod.metadata.uid, !known.contains(uid), apiPods[uid] == nil,
                  pod.metadata.annotations?["berth.dev/manifest"] == nil else { continue }
            if let owner = agent.store.liveOwner(uid: uid), owner != getpid() { continue }
            orphans.append(pod)
        }
        await withTaskGroup(of: Void.self) { group in
            for pod in orphans {
                group.addTask { await self.removeOrphan(pod) }
            }
        }
    }

    private func removeOrphan(_ pod: Pod) async {
        guard let uid = pod.metadata.uid else { return }
        logger.info("removing pod the API no longer has", metadata: ["pod": "\(pod.metadata.namespace ?? "")/\(pod.metadata.name ?? "")", "uid": "\(uid)"])
        if await agent.podUIDs.contains(uid) {
            await agent.terminate(uid: uid, remove: true)
        } else {
            await agent.removeOrphan(pod)
        }
    }

    // MARK: pod events → status and Events

    func consumePodEvents() async {
        for await event in podEvents {
            switch event {
            case .statusChanged(let snapshot):
                await statusManager.update(snapshot)
            case .containerStarted(let key, let container, _, _):
                guard let pod = podFor(key: key) else { continue }
                let image = (pod.spec.containers + (pod.spec.initContainers ?? [])).first { $0.name == container }?.image ?? ""
                let ref = reference(pod, container: container)
                recorder.record(ref, reason: "Pulled", message: "Container image \"\(image)\" already present on machine")
                recorder.record(ref, reason: "Created", message: "Created container: \(container)")
                recorder.record(ref, reason: "Started", message: "Started container \(container)")
            case .containerExited(let key, let container, _, let restartIn):
                // No back-off (a restart after a failed probe) means no BackOff event either.
                guard let restartIn, restartIn > .zero, let pod = podFor(key: key) else { continue }
                recorder.record(reference(pod, container: container), type: Event.warning, reason: "BackOff",
                                message: "Back-off restarting failed container \(container) in pod \(podDescription(pod))")
            case .containerFailed(let key, let container, let reason, let message, _):
                guard let pod = podFor(key: key) else { continue }
                recorder.record(reference(pod, container: container), type: Event.warning, reason: "Failed",
                                message: "Error: \(reason): \(message)")
            case .containerUnhealthy(let key, let container, let probe, let outcome):
                guard let pod = podFor(key: key), let message = outcome.eventMessage(probe) else { continue }
                recorder.record(reference(pod, container: container), type: Event.warning, reason: "Unhealthy", message: message)
            case .containerKilling(let key, let container, let message):
                guard let pod = podFor(key: key) else { continue }
                recorder.record(reference(pod, container: container), reason: "Killing", message: message)
            case .phaseChanged:
                break
            }
        }
    }

    /// The API pod (or mirror pod) a local pod's events are about.
    func podFor(key: String) -> Pod? {
        guard let uid = localUIDs[key] else { return nil }
        if let pod = apiPods[uid] { return pod }
        guard let local = staticPods[uid] else { return nil }
        return mirrors["\(local.metadata.namespace ?? "default")/\(local.metadata.name ?? "")"] ?? local
    }

    func podDescription(_ pod: Pod) -> String {
        "\(pod.metadata.name ?? "")_\(pod.metadata.namespace ?? "default")(\(pod.metadata.uid ?? ""))"
    }

    nonisolated func reference(_ pod: Pod, container: String) -> ObjectReference {
        let isInit = pod.spec.initContainers?.contains { $0.name == container } ?? false
        return reference(pod, fieldPath: "spec.\(isInit ? "initContainers" : "containers"){\(container)}")
    }

    nonisolated func reference(_ pod: Pod, fieldPath: String?) -> ObjectReference {
        ObjectReference(kind: "Pod", namespace: pod.metadata.namespace ?? "default", name: pod.metadata.name,
                        uid: pod.metadata.uid, apiVersion: "v1", resourceVersion: pod.metadata.resourceVersion,
                        fieldPath: fieldPath)
    }
}
