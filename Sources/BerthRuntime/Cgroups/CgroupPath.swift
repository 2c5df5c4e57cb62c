/// Where a cgroup lives: a parent cgroup per controller (relative to each hierarchy's root,
/// normally the cgroup Berth itself runs in) plus components below it, e.g.
/// `["berth", "pod<uid>", "app-0"]`.
///
/// Parents differ per v1 controller (here memory is nested at `/process_api/<id>` while cpu
/// and pids are at `/`), so they are kept per controller name; the key `""` is the cgroup2
/// (unified) hierarchy. A controller not in `parents` uses `defaultParent`.
/// At least one component is required, so a cgroup is never created at a parent itself
/// (and so never at a hierarchy root).
public struct CgroupPath: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The key of the cgroup2 hierarchy in `parents`, as in `/proc/self/cgroup` (`0::/path`).
    public static let unifiedKey = ""

    public var parents: [String: String]
    public var defaultParent: String
    public var components: [String]

    /// Below the cgroups this process runs in (read from `/proc/self/cgroup` by default).
    public init(components: [String], parents: [String: String] = Cgroups.ownCgroups()) {
        self.parents = parents.mapValues(Self.normalize)
        self.defaultParent = "/"
        self.components = components
    }

    /// Below the same parent in every hierarchy (fake trees, or a configured parent).
    public init(parent: String, components: [String]) {
        self.parents = [:]
        self.defaultParent = Self.normalize(parent)
        self.components = components
    }

    /// The parent in the hierarchy of `controller` ("" for cgroup2), as "/a/b" or "/".
    public func parent(for controller: String) -> String {
        parents[controller] ?? defaultParent
    }

    /// The cgroup's path relative to the hierarchy root of `controller`, e.g.
    /// "/process_api/x/berth/pod1" — the form `/proc/<pid>/cgroup` shows.
    public func relativePath(for controller: String) -> String {
        let parent = parent(for: controller)
        let tail = components.joined(separator: "/")
        return parent == "/" ? "/" + tail : parent + "/" + tail
    }

    /// The same parents with more components.
    public func appending(_ more: String...) -> CgroupPath {
        var copy = self
        copy.components += more
        return copy
    }

    /// The same parents with `components` instead of the current ones.
    public func withComponents(_ components: [String]) -> CgroupPath {
        var copy = self
        copy.components = components
        return copy
    }

    /// One level up (nil when only one component is left: the parent is not ours).
    public var deletingLastComponent: CgroupPath? {
        guard components.count > 1 else { return nil }
        var copy = self
        copy.components.removeLast()
        return copy
    }

    public var description: String {
        let parent = parents.isEmpty ? defaultParent : "<own>"
        return parent + "//" + components.joined(separator: "/")
    }

    /// Components must be plain names: non-empty, no "/", not "." or "..".
    func validate() throws(CgroupError) {
        guard !components.isEmpty else {
            throw .invalidPath(path: description, reason: "no components below the parent cgroup")
        }
        for component in components {
            if component.isEmpty || component == "." || component == ".." || component.contains("/")
                || component.contains("\0")
            {
                throw .invalidPath(path: description, reason: "bad component \(component.debugDescription)")
            }
        }
        for parent in Array(parents.values) + [defaultParent] where parent.split(separator: "/").contains("..") {
            throw .invalidPath(path: description, reason: "parent \(parent) contains ..")
        }
    }

    /// "/a/b/" → "/a/b"; "" → "/".
    static func normalize(_ parent: String) -> String {
        let parts = parent.split(separator: "/", omittingEmptySubsequences: true)
        return "/" + parts.joined(separator: "/")
    }
}
