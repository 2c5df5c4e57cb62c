import BerthRuntime
import Foundation
import Logging

/// Everything a berth process needs to act on this node, built from the common flags.
public struct NodeEnvironment: Sendable {
    public var settings: NodeSettings
    public var runtime: LinuxRuntime
    public var store: PodStore

    /// - Parameters:
    ///   - root: keep all state under this directory instead of the system defaults.
    ///   - images: the directory of image root filesystems; default `./rootfs` when present,
    ///     else `<data dir>/rootfs`.
    ///   - cgroupParent: the name of Berth's cgroup below the cgroup this process runs in.
    public init(root: String?, images: String?, cgroupParent: String = "berth", logger: Logger) throws {
        let paths = BerthPaths(root: root.map { URL(fileURLWithPath: $0).standardizedFileURL.path })
        var imagesDirectory = images ?? paths.dataDirectory + "/rootfs"
        if images == nil, FileManager.default.fileExists(atPath: "rootfs") {
            imagesDirectory = FileManager.default.currentDirectoryPath + "/rootfs"
        }
        let driver = try Cgroups.defaultDriver()
        let runtime = LinuxRuntime(paths: paths, images: ImageStore(rootfsDirectory: imagesDirectory), cgroups: driver,
                                   cgroupParent: CgroupPath(components: [cgroupParent]), logger: logger)
        self.settings = NodeSettings(paths: paths)
        self.runtime = runtime
        self.store = PodStore(runDirectory: paths.runDirectory)
    }
}
