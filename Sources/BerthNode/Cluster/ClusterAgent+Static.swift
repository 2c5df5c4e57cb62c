import BerthAPI
import BerthClient
import Foundation

extension ClusterAgent {
    /// Static pods: run what the manifest directory asks for (named `<name>-<node>`, as the
    /// kubelet names them) and keep a mirror pod of each in the API, so that kubectl sees them.
    /// Deleting a mirror pod in the API does not stop the static pod: the mirror comes back.
    func syncStaticPods(_ source: StaticPodSource) async {
        var reported = Set<String>()
        while !Task.isCancelled {
            let desired = source.desiredPods()
            for problem in desired.problems where reported.insert(problem.description).inserted {
                logger.error("manifest skipped", metadata: ["file": "\(problem.file)", "error": "\(problem.message)"])
            }
            var pods: [String: Pod] = [:]
            for (uid, pod) in desired.pods {
                var renamed = pod
                renamed.metadata.name = Self.mirrorName(pod.metadata.name ?? "", nodeName: nodeName)
                renamed.spec.nodeName = nodeName
                pods[uid] = renamed
                localUIDs["\(renamed.metadata.namespace ?? "default")/\(renamed.metadata.name ?? "")"] = uid
            }
            staticPods = pods
            await agent.sync(desired: pods, source: source.directory)
            if let informer, await informer.hasSynced { await syncMirrors() }
            try? await Task.sleep(for: options.staticPollInterval)
        }
    }

    static func mirrorName(_ name: String, nodeName: String) -> String { "\(name)-\(nodeName)" }

    /// Creates missing mirror pods and deletes those of static pods that are gone or changed.
    func syncMirrors() async {
        var wanted: [String: (uid: String, pod: Pod)] = [:]
        for (uid, pod) in staticPods { wanted[key(pod)] = (uid, pod) }
        for (key, mirror) in mirrors where wanted[key]?.uid != mirror.metadata.annotations?[Self.mirrorAnnotation] {
            await deleteMirror(mirror)
            mirrors[key] = nil
        }
        for key in wanted.keys where mirrors[key] != nil {
            // The mirror may have been seen before its static pod was read: point the status there.
            if let mirror = mirrors[key] { await mirrorChanged(mirror) }
        }
        for (key, entry) in wanted.sorted(by: { $0.key < $1.key }) where mirrors[key] == nil {
            var mirror = entry.pod
            mirror.metadata.uid = nil
            mirror.metadata.resourceVersion = nil
            mirror.metadata.creationTimestamp = nil
            mirror.status = nil
            var annotations = mirror.metadata.annotations ?? [:]
            annotations["berth.dev/manifest"] = nil
            annotations[Self.mirrorAnnotation] = entry.uid
            mirror.metadata.annotations = annotations
            do {
                let created = try await api.create(mirror, in: .pods(namespace: mirror.metadata.namespace ?? "default"))
                await mirrorChanged(created)
            } catch where error.isAlreadyExists {
                // Created by an earlier agent: the watch brings it.
            } catch {
                logger.warning("mirror pod not created", metadata: ["pod": "\(key)", "error": "\(error)"])
            }
        }
    }

    func mirrorChanged(_ pod: Pod) async {
        let key = key(pod)
        guard pod.metadata.deletionTimestamp == nil else {
            // Deleted by a user: finish its deletion; the next sync creates it again.
            mirrors[key] = nil
            await deleteMirror(pod)
            return
        }
        mirrors[key] = pod
        guard let hash = pod.metadata.annotations?[Self.mirrorAnnotation], let local = staticPods[hash],
              self.key(local) == key else { return }
        await statusManager.setTarget(uid: hash, .init(namespace: pod.metadata.namespace ?? "default",
                                                       name: pod.metadata.name ?? "", uid: pod.metadata.uid, spec: local.spec))
    }

    func mirrorDeleted(_ pod: Pod) async {
        let key = key(pod)
        if mirrors[key]?.metadata.uid == pod.metadata.uid { mirrors[key] = nil }
    }

    func deleteMirror(_ pod: Pod) async {
        guard let name = pod.metadata.name else { return }
        do {
            _ = try await api.delete(.pods(namespace: pod.metadata.namespace ?? "default", name: name),
                                     options: DeleteOptions(gracePeriodSeconds: 0, preconditions: .init(uid: pod.metadata.uid)))
        } catch where error.isNotFound || error.isConflict {
        } catch {
            logger.warning("mirror pod not deleted", metadata: ["pod": "\(key(pod))", "error": "\(error)"])
        }
    }

    nonisolated func key(_ pod: Pod) -> String {
        "\(pod.metadata.namespace ?? "default")/\(pod.metadata.name ?? "")"
    }
}
