import Glibc

/// A failure of a cgroup operation, naming what was attempted, where, and the errno.
public enum CgroupError: Error, CustomStringConvertible, Equatable, Sendable {
    /// A system call on a cgroup file or directory failed.
    case operationFailed(operation: String, path: String, errno: Int32)
    /// A `CgroupPath` that would escape its parent or land on a hierarchy root.
    case invalidPath(path: String, reason: String)
    /// A controller Berth needs is not mounted (v1) or not available (v2).
    case controllerUnavailable(controller: String, mountRoot: String)
    /// A cgroup file held something that could not be parsed.
    case malformedFile(path: String, content: String)
    /// The cgroup still had tasks (EBUSY) when the removal deadline passed.
    case busy(path: String, waitedMilliseconds: Int)

    public var description: String {
        switch self {
        case let .operationFailed(operation, path, errno):
            return "cgroup \(operation) failed for \(path): \(String(cString: strerror(errno))) (errno \(errno))"
        case let .invalidPath(path, reason):
            return "invalid cgroup path \(path): \(reason)"
        case let .controllerUnavailable(controller, mountRoot):
            return "cgroup controller \(controller) is not available under \(mountRoot)"
        case let .malformedFile(path, content):
            return "cannot parse cgroup file \(path): \(content.debugDescription)"
        case let .busy(path, waited):
            return "cgroup \(path) still busy after \(waited) ms: processes did not exit"
        }
    }

    /// The errno of a failed operation, if there was one.
    public var errno: Int32? {
        if case let .operationFailed(_, _, code) = self { return code }
        return nil
    }
}
