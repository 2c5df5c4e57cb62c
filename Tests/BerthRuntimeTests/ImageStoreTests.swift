import Foundation
import Testing

@testable import BerthRuntime

@Suite struct ImageStoreTests {
    let root: String
    let store: ImageStore

    init() throws {
        root = try makeRTScratchDirectory("images")
        for name in ["busybox", "nginx-unprivileged", "app"] {
            try FileManager.default.createDirectory(atPath: root + "/" + name, withIntermediateDirectories: false)
        }
        try "not a dir".write(toFile: root + "/plainfile", atomically: false, encoding: .utf8)
        store = ImageStore(rootfsDirectory: root + "/")
    }

    static let digest = "sha256:" + String(repeating: "ab", count: 32)

    @Test(arguments: [
        "busybox", "busybox:latest", "busybox:1.36.1", "docker.io/library/busybox:1.36",
        "library/busybox", "busybox@\(digest)", "busybox:1.36@\(digest)", "localhost:5000/tools/busybox:v1",
        "registry.k8s.io/busybox", "ghcr.io/a/b/busybox:x_y-z.1",
    ])
    func resolvesToBusybox(_ reference: String) throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let image = try store.resolve(reference)
        #expect(image.name == "busybox")
        #expect(image.rootfs == root + "/busybox")
        #expect(image.reference == reference)
        #expect(image.imageID.hasPrefix("sha256:"))
        #expect(image.imageID.count == 7 + 64)
    }

    @Test func parsedParts() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let short = try ImageReference.parse("busybox")
        #expect(short.normalized == "docker.io/library/busybox:latest")
        let full = try ImageReference.parse("localhost:5000/tools/app:v1@\(Self.digest)")
        #expect(full.domain == "localhost:5000")
        #expect(full.path == ["tools", "app"])
        #expect(full.tag == "v1")
        #expect(full.digest == Self.digest)
        #expect(full.normalized == "localhost:5000/tools/app:v1@\(Self.digest)")
        #expect(try ImageReference.parse("nginx-unprivileged@\(Self.digest)").normalized
                == "docker.io/library/nginx-unprivileged@\(Self.digest)")
        #expect(try store.resolve("quay.io/nginx/nginx-unprivileged:1.25").rootfs == root + "/nginx-unprivileged")
    }

    @Test(arguments: [
        "", "BusyBox", "busybox:", "busybox:-bad", "busybox@sha256:abc", "busybox@", "a//b", "-x", "x-",
        "busybox:tag with space", "host:port:x/busybox", "/busybox", "busybox/",
    ])
    func rejectsBadSyntax(_ reference: String) {
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect {
            try store.resolve(reference)
        } throws: { error in
            guard case .invalidReference(let ref, _) = error as? ImageError else { return false }
            return ref == reference
        }
    }

    @Test func missingRootfsSaysWhatToDo() {
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(throws: ImageError.notFound(reference: "nginx:1.25", rootfs: root + "/nginx")) {
            try store.resolve("nginx:1.25")
        }
        #expect(ImageError.notFound(reference: "nginx:1.25", rootfs: "/x/rootfs/nginx").description
                == #"image "nginx:1.25" not found: no root filesystem at /x/rootfs/nginx (build it or set --images)"#)
        #expect(throws: ImageError.notFound(reference: "plainfile", rootfs: root + "/plainfile")) {
            try store.resolve("plainfile")
        }
    }

    @Test func imageIDIsStableAndChangesWhenRebuilt() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let first = try store.resolve("app").imageID
        #expect(try store.resolve("app:latest").imageID == first)
        #expect(try store.resolve("busybox").imageID != first)
        try FileManager.default.removeItem(atPath: root + "/app")
        try FileManager.default.createDirectory(atPath: root + "/app.new", withIntermediateDirectories: false)
        try FileManager.default.moveItem(atPath: root + "/app.new", toPath: root + "/app")
        #expect(try store.resolve("app").imageID != first)
        #expect(store.list() == ["app", "busybox", "nginx-unprivileged"])
    }

    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
    ])
    func sha256KnownVectors(input: String, hex: String) {
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(SHA256.hex(Array(input.utf8)) == hex)
    }
}
