import Foundation
import Glibc
import Testing

@testable import BerthRuntime

@Suite struct FileTreeTests {
    @Test func removesANestedTreeWithUnreadableDirectories() throws {
        let root = try makeRTScratchDirectory("filetree")
        defer { _ = try? FileManager.default.removeItem(atPath: root) }
        let tree = root + "/container"
        try FileManager.default.createDirectory(atPath: tree + "/upper/etc/deep", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: tree + "/work/work", withIntermediateDirectories: true)
        chmod(tree + "/work/work", 0)  // as overlayfs leaves it
        try FileTree.writeUnsynced(Array("x".utf8), to: tree + "/upper/etc/deep/file")
        symlink("/etc/passwd", tree + "/upper/link")  // removed, not followed
        try FileTree.remove(tree)
        #expect(access(tree, F_OK) != 0)
        #expect(access("/etc/passwd", F_OK) == 0)
        try FileTree.remove(tree)  // already gone: success
    }

    @Test func replaceIsAtomicAndLeavesNoTempFile() throws {
        let root = try makeRTScratchDirectory("filetree")
        defer { _ = try? FileManager.default.removeItem(atPath: root) }
        try FileTree.replaceUnsynced(Array("one".utf8), at: root + "/meta.json")
        try FileTree.replaceUnsynced(Array("two".utf8), at: root + "/meta.json")
        #expect(try String(contentsOfFile: root + "/meta.json", encoding: .utf8) == "two")
        #expect(try FileManager.default.contentsOfDirectory(atPath: root) == ["meta.json"])
    }

    /// A filesystem still mounted below the tree must not have its contents deleted.
    @Test func refusesToDescendIntoAMount() throws {
        try #require(geteuid() == 0, "mounting a tmpfs needs root (CI runs as root)")
        let root = try makeRTScratchDirectory("filetree")
        defer { _ = try? FileManager.default.removeItem(atPath: root) }
        let mountpoint = root + "/tree/mnt"
        try FileManager.default.createDirectory(atPath: mountpoint, withIntermediateDirectories: true)
        try #require(mount("tmpfs", mountpoint, "tmpfs", 0, nil) == 0, "mount tmpfs: errno \(errno)")
        defer { umount2(mountpoint, Int32(MNT_DETACH)) }
        try FileTree.writeUnsynced(Array("keep".utf8), to: mountpoint + "/precious")
        #expect(throws: RuntimeError.self) { try FileTree.remove(root + "/tree") }
        #expect(access(mountpoint + "/precious", F_OK) == 0)
    }
}
