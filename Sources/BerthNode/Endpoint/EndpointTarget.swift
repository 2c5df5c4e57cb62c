import BerthAPI
import BerthRuntime
import Foundation

/// A container of a pod this node runs, as named in an endpoint path
/// (`/{kind}/{namespace}/{pod}/{container}`), with the failures as Kubernetes `Status`.
struct EndpointTarget: Sendable {
    var pod: Pod
    var container: String

    var namespace: String { pod.metadata.namespace ?? "default" }
    var podName: String { pod.metadata.name ?? "" }
    var uid: String { pod.metadata.uid ?? "" }

    /// The pod and container, or 404 when the pod is not on this node or has no such container.
    static func resolve(store: PodStore, namespace: String, pod name: String, container: String)
        throws(EndpointFailure) -> EndpointTarget {
        guard let pod = store.find(namespace: namespace, name: name) else {
            throw EndpointFailure(.podNotFound(name))
        }
        let all = (pod.spec.initContainers ?? []).map(\.name) + pod.spec.containers.map(\.name)
        guard all.contains(container) else {
            throw EndpointFailure(.failure(code: 404, reason: "NotFound",
                                           message: "container \"\(container)\" in pod \"\(name)\" is not valid",
                                           name: name, kind: "pods"))
        }
        return EndpointTarget(pod: pod, container: container)
    }

    var status: ContainerStatus? {
        ((pod.status?.initContainerStatuses ?? []) + (pod.status?.containerStatuses ?? [])).first { $0.name == container }
    }

    /// The runtime's ID of the running container, or 400 when it is not running.
    func runningContainerID() throws(EndpointFailure) -> String {
        guard let status, status.state?.running != nil,
              let id = status.containerID?.replacingOccurrences(of: "berth://", with: ""), !id.isEmpty else {
            let why = status?.state?.waiting.map { ": \($0.reason ?? "Waiting")" } ?? ""
            throw EndpointFailure(.badRequest("container \"\(container)\" in pod \"\(podName)\" is not running\(why)"))
        }
        return id
    }

    /// The log file of the current run, or of the one before it (`previous`): the kubelet's
    /// layout, `<podLogDirectory>/<container>/<restartCount>.log`, as `berth logs` reads it.
    func logPath(paths: BerthPaths, previous: Bool) throws(EndpointFailure) -> (path: String, attempt: Int) {
        let restartCount = Int(status?.restartCount ?? 0)
        let attempt = previous ? restartCount - 1 : restartCount
        guard attempt >= 0 else {
            throw EndpointFailure(.badRequest("previous terminated container \"\(container)\" in pod \"\(podName)\" not found"))
        }
        let path = paths.podLogDirectory(namespace: namespace, name: podName, uid: uid) + "/\(container)/\(attempt).log"
        return (path, restartCount)
    }

    /// Why there is no log to read yet (the API server's wording).
    var waitingMessage: String {
        let reason = status?.state?.waiting?.reason ?? "ContainerCreating"
        return "container \"\(container)\" in pod \"\(podName)\" is waiting to start: \(reason)"
    }
}

/// A request the endpoint refuses, with the `Status` to answer.
struct EndpointFailure: Error, CustomStringConvertible {
    var status: EndpointStatus
    init(_ status: EndpointStatus) { self.status = status }
    var description: String { status.message ?? status.reason ?? "failure" }
}
