import Foundation

/// What went wrong in the runtime, with the object and the step, so that a status reason
/// and a one-line message a user can act on come out of it.
public enum RuntimeError: Error, CustomStringConvertible, Sendable {
    /// The image reference could not be resolved to a root filesystem (status reason ErrImagePull).
    case image(reference: String, message: String)
    /// berth-shim reported that a step between fork and exec failed (status reason CreateContainerError).
    case createContainer(container: String, step: String, errno: Int32, message: String)
    /// berth-shim could not pin the pod's namespaces.
    case sandbox(pod: String, step: String, errno: Int32, message: String)
    /// A system call made by the agent itself failed.
    case system(operation: String, path: String, errno: Int32)
    /// Reading or writing one of the runtime's own files failed.
    case file(operation: String, path: String, message: String)
    case cgroup(CgroupError)
    case notFound(kind: String, id: String)
    case invalidState(id: String, message: String)
    case shimMissing(path: String)

    public var description: String {
        switch self {
        case .image(let reference, let message):
            return "image \"\(reference)\": \(message)"
        case .createContainer(let container, let step, let errno, let message):
            return "container \"\(container)\": step \(step) failed: \(message)\(errnoSuffix(errno, unlessIn: message))"
        case .sandbox(let pod, let step, let errno, let message):
            return "pod sandbox \"\(pod)\": step \(step) failed: \(message)\(errnoSuffix(errno, unlessIn: message))"
        case .system(let operation, let path, let errno):
            return "\(operation) \(path): \(String(cString: strerror(errno)))"
        case .file(let operation, let path, let message):
            return "\(operation) \(path): \(message)"
        case .cgroup(let error):
            return "cgroup: \(error)"
        case .notFound(let kind, let id):
            return "\(kind) \"\(id)\" not found"
        case .invalidState(let id, let message):
            return "\(id): \(message)"
        case .shimMissing(let path):
            return "berth-shim not found at \(path) (build it with `swift build` or set BERTH_SHIM)"
        }
    }

    /// The Kubernetes container status reason this error maps to.
    public var reason: String {
        switch self {
        case .image: return "ErrImagePull"
        case .createContainer: return "CreateContainerError"
        case .sandbox: return "CreatePodSandboxError"
        default: return "RunContainerError"
        }
    }
}

/// " (No such file or directory)", unless the shim's message already says so.
private func errnoSuffix(_ errno: Int32, unlessIn message: String) -> String {
    let text = String(cString: strerror(errno))
    return errno == 0 || message.contains(text) ? "" : " (\(text))"
}

/// The errno of the last failed libc call, captured where it happened.
func lastErrno() -> Int32 { errno }
