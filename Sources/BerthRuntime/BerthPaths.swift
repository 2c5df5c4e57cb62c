import Foundation

/// Where Berth keeps its state. Everything hangs off three directories so that tests can run
/// side by side with `--root`.
public struct BerthPaths: Sendable, Equatable {
    /// Pinned namespaces, sandboxes, container state (tmpfs on a real host: gone at reboot).
    public var runDirectory: String
    /// Volumes (emptyDir) and other data that outlives a process.
    public var dataDirectory: String
    /// Container logs in the kubelet's layout: `<ns>_<name>_<uid>/<container>/<attempt>.log`.
    public var logDirectory: String

    public init(runDirectory: String, dataDirectory: String, logDirectory: String) {
        self.runDirectory = runDirectory
        self.dataDirectory = dataDirectory
        self.logDirectory = logDirectory
    }

    /// The defaults (`/run/berth`, `/var/lib/berth`, `/var/log/pods`), or everything under
    /// `root` when one is given.
    public init(root: String?) {
        if let root {
            self.init(runDirectory: root + "/run", dataDirectory: root + "/lib", logDirectory: root + "/log")
        } else {
            self.init(runDirectory: "/run/berth", dataDirectory: "/var/lib/berth", logDirectory: "/var/log/pods")
        }
    }

    public var sandboxesDirectory: String { runDirectory + "/sandboxes" }
    public func sandboxDirectory(_ id: String) -> String { sandboxesDirectory + "/" + id }
    public func containerDirectory(sandbox: String, container: String) -> String {
        sandboxDirectory(sandbox) + "/containers/" + container
    }
    public func volumesDirectory(podUID: String) -> String { dataDirectory + "/pods/" + podUID + "/volumes" }
    public func podLogDirectory(namespace: String, name: String, uid: String) -> String {
        logDirectory + "/\(namespace)_\(name)_\(uid)"
    }
}
