import Glibc
import Logging

/// Why an image could not be resolved.
public enum ImageError: Error, CustomStringConvertible, Equatable, Sendable {
    case invalidReference(reference: String, reason: String)
    case notFound(reference: String, rootfs: String)

    public var description: String {
        switch self {
        case let .invalidReference(reference, reason):
            return "invalid image reference \(reference.debugDescription): \(reason)"
        case let .notFound(reference, rootfs):
            return "image \(reference.debugDescription) not found: no root filesystem at \(rootfs) (build it or set --images)"
        }
    }
}

/// An image reference mapped onto a root filesystem directory.
public struct ResolvedImage: Sendable, Hashable {
    /// The reference as the pod spec gave it.
    public var reference: String
    /// The parsed reference (repository, tag, digest).
    public var parsed: ImageReference
    /// The short name that selects the directory, e.g. "busybox".
    public var name: String
    /// Absolute path of the root filesystem, `<rootfsDirectory>/<name>`.
    public var rootfs: String
    /// "sha256:<hex>" of the rootfs path, device, inode and mtime (see `ImageStore`).
    public var imageID: String
}

/// Images are plain directories: `<rootfsDirectory>/<name>` where `<name>` is the last path
/// component of the reference without tag or digest. So `busybox`, `busybox:1.36`,
/// `docker.io/library/busybox:latest`, `library/busybox` and `busybox@sha256:...` all resolve
/// to `<rootfsDirectory>/busybox`. Tags and digests are accepted and recorded, not checked:
/// there is one root filesystem per name.
///
/// The image ID is "sha256:" + SHA-256 of "path\ndevice\ninode\nmtime(ns)" of the rootfs
/// directory: cheap (one stat), stable while the directory stays, and different when it is
/// rebuilt (`make rootfs` replaces it, so a new inode and mtime). It is an identity, not a
/// content digest: editing a file deep inside the tree does not change it.
public struct ImageStore: Sendable {
    public let rootfsDirectory: String
    private let logger = Logger(label: "berth.images")

    public init(rootfsDirectory: String) {
        self.rootfsDirectory = rootfsDirectory.count > 1 && rootfsDirectory.hasSuffix("/")
            ? String(rootfsDirectory.dropLast()) : rootfsDirectory
    }

    public func resolve(_ reference: String) throws(ImageError) -> ResolvedImage {
        let parsed = try ImageReference.parse(reference)
        let rootfs = rootfsDirectory + "/" + parsed.name
        var info = stat()
        guard stat(rootfs, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR else {
            logger.debug("image not found", metadata: ["image": "\(reference)", "rootfs": "\(rootfs)"])
            throw .notFound(reference: reference, rootfs: rootfs)
        }
        let mtime = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        let identity = "\(rootfs)\n\(info.st_dev)\n\(info.st_ino)\n\(mtime)"
        return ResolvedImage(
            reference: reference, parsed: parsed, name: parsed.name, rootfs: rootfs,
            imageID: "sha256:" + SHA256.hex(Array(identity.utf8)))
    }

    /// Names of the root filesystems present (subdirectories of `rootfsDirectory`), sorted.
    public func list() -> [String] {
        guard let dir = opendir(rootfsDirectory) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            var info = stat()
            if !name.hasPrefix("."), stat(rootfsDirectory + "/" + name, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
                names.append(name)
            }
        }
        return names.sorted()
    }
}
