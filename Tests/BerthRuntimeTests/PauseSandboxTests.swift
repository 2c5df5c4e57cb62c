import Foundation
import Testing

@testable import BerthRuntime

fileprivate let shimPath = ShimLauncher.locate()
fileprivate let canRunShim = geteuid() == 0 && FileManager.default.isExecutableFile(atPath: shimPath)

/// The pause process of a sandbox with `shareProcessNamespace`, on the real kernel: started
/// and pinned with the sandbox, stopped and reaped with it, nothing left when its start fails.
@Suite(.enabled(if: canRunShim, "needs root and a built berth-shim"))
struct PauseSandboxTests {
    /// A temp root, a cgroup parent below ours, and a check that both are gone at the end.
    final class World {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("berth-pause-\(UUID().uuidString.prefix(8))").path
        let cgroups: any CgroupDriver
        let parent = CgroupPath(components: ["berth-pause-test-\(UInt32.random(in: 0...UInt32.max))"])

        init() throws { cgroups = try Cgroups.defaultDriver() }

        func runtime(shim: String = shimPath) -> LinuxRuntime {
            LinuxRuntime(paths: BerthPaths(root: root), images: ImageStore(rootfsDirectory: root + "/images"),
                         cgroups: cgroups, cgroupParent: parent, shimPath: shim)
        }

        static let config = PodSandboxConfig(name: "p", namespace: "default", uid: "u-\(UInt32.random(in: 0...UInt32.max))",
                                             hostname: "p", hostsFile: "", resolvConf: "", shareProcessNamespace: true)

        /// Everything that could be left: mounts under the root, sandbox directories, cgroups.
        func leftovers() -> [String] {
            let mountinfo = (try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)) ?? ""
            var left = mountinfo.split(separator: "\n").filter { $0.contains(root) }.map { "mount: \($0)" }
            left += ((try? FileManager.default.contentsOfDirectory(atPath: root + "/run/sandboxes")) ?? []).map { "sandbox: \($0)" }
            left += cgroups.pids(parent).map { "process in cgroup: \($0)" }
            return left
        }

        func cleanup() {
            let mountinfo = (try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)) ?? ""
            for line in mountinfo.split(separator: "\n") where line.contains(root) {
                let fields = line.split(separator: " ")
                if fields.count > 4 { umount2(String(fields[4]), Int32(MNT_DETACH)) }
            }
            cgroups.killAll(parent)
            try? cgroups.remove(parent)
            try? FileManager.default.removeItem(atPath: root)
        }
    }

    static func inode(_ path: String) -> UInt64? {
        var st = stat()
        return stat(path, &st) == 0 ? UInt64(st.st_ino) : nil
    }

    @Test func pauseIsPID1PinnedAndStoppedWithTheSandbox() async throws {
        let world = try World()
        defer { world.cleanup() }
        let runtime = world.runtime()
        let id = try await runtime.runPodSandbox(World.config)
        let dir = runtime.paths.sandboxDirectory(id)
        let started = try #require(ContainerStateFiles.readStarted(directory: dir + "/pause"))
        #expect(LinuxRuntime.isPause(pid: started.containerPID))
        #expect(LinuxRuntime.isShim(pid: started.shimPID))
        let status = try String(contentsOfFile: "/proc/\(started.containerPID)/status", encoding: .utf8)
        #expect(status.contains("NSpid:\t\(started.containerPID)\t1\n"), "\(status)")
        // The pin is the pause's PID namespace; the pod's network namespace is joined.
        #expect(Self.inode(dir + "/ns/pid") != nil)
        #expect(Self.inode(dir + "/ns/pid") == Self.inode("/proc/\(started.containerPID)/ns/pid"))
        #expect(Self.inode(dir + "/ns/net") == Self.inode("/proc/\(started.containerPID)/ns/net"))

        try await runtime.stopPodSandbox(id)
        #expect(!ProcessWatcher.isAlive(pid: started.containerPID))
        #expect(!ProcessWatcher.isAlive(pid: started.shimPID), "the shim was reaped through its pidfd")
        let exit = try #require(ContainerStateFiles.readExit(directory: dir + "/pause"))
        #expect(exit.exitCode == 0 && exit.reason == "Completed")

        try await runtime.removePodSandbox(id)
        #expect(world.leftovers().isEmpty, "\(world.leftovers())")
    }

    @Test func aSandboxAdoptedByAnotherRuntimeStopsItsPause() async throws {
        let world = try World()
        defer { world.cleanup() }
        let id = try await world.runtime().runPodSandbox(World.config)
        let started = try #require(ContainerStateFiles.readStarted(directory: world.runtime().paths.sandboxDirectory(id) + "/pause"))
        // A second runtime (a restarted agent) has no exit wait registered: it watches pidfds.
        try await world.runtime().removePodSandbox(id)
        #expect(!LinuxRuntime.isPause(pid: started.containerPID))
        #expect(world.leftovers().isEmpty, "\(world.leftovers())")
    }

    @Test func aFailedPauseLeavesNothing() async throws {
        let world = try World()
        defer { world.cleanup() }
        // A shim whose pause mode finds the PID pin taken: the shim must kill its init and fail.
        try FileManager.default.createDirectory(atPath: world.root, withIntermediateDirectories: true)
        let wrapper = world.root + "/berth-shim"
        try """
        #!/bin/sh
        if [ "$1" = pause ]; then
          dir=$(sed -n 's/^pindir\t//p' /proc/self/fd/3)
          : > "$dir/pid"
        fi
        exec \(shimPath) "$@"

        """.write(toFile: wrapper, atomically: true, encoding: .utf8)
        chmod(wrapper, 0o755)
        let runtime = world.runtime(shim: wrapper)
        do {
            _ = try await runtime.runPodSandbox(World.config)
            Issue.record("runPodSandbox succeeded with a taken PID pin")
        } catch {
            guard case .sandbox(_, let step, let errno, _) = error else {
                Issue.record("unexpected error \(error)")
                return
            }
            #expect(step == "pause pin" && errno == EEXIST, "\(error)")
        }
        #expect(world.leftovers().isEmpty, "\(world.leftovers())")
        #expect(runtime.listPodSandboxes().isEmpty)
    }
}

/// The suites gated on root, berth-shim and python3 skip where those are missing; this turns a
/// skip into a failure, so that CI (root, after `make test`) cannot pass by skipping them.
@Suite struct RuntimeTestPrerequisites {
    @Test func rootShimAndPythonArePresent() {
        #expect(canRunShim, "PauseSandboxTests need root and a built berth-shim (swift build)")
        #expect(FileManager.default.isExecutableFile(atPath: "/usr/bin/python3"),
                "CgroupV1RealTests' child process test needs /usr/bin/python3 (make deps installs it)")
    }
}
