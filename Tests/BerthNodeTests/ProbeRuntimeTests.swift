import BerthRuntime
import CBerthNet
import Foundation
import Testing

@testable import BerthNode

fileprivate let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path
fileprivate let shimPath = ShimLauncher.locate()
fileprivate let canRun = geteuid() == 0 && FileManager.default.isExecutableFile(atPath: shimPath)
    && FileManager.default.fileExists(atPath: packageRoot + "/rootfs/busybox/bin/busybox")

/// The real prober against the real kernel: a pod sandbox made by Berth's runtime, busybox
/// httpd in a container, and httpGet / tcpSocket probes that can only reach it from inside
/// the pod's network namespace; exec probes through the runtime with output and timeout.
@Suite(.serialized, .enabled(if: canRun, "needs root, a built berth-shim and rootfs/busybox (make rootfs)"))
struct ProbeRuntimeTests {
    /// A temp root and cgroup parent; `teardown` removes the pod and checks nothing is left.
    final class World: @unchecked Sendable {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("berth-probe-\(UUID().uuidString.prefix(8))").path
        let parent = CgroupPath(components: ["berth-probe-test-\(UInt32.random(in: 0...UInt32.max))"])
        let cgroups: any CgroupDriver
        let runtime: LinuxRuntime
        var sandboxID: String?

        init() throws {
            cgroups = try Cgroups.defaultDriver()
            runtime = LinuxRuntime(paths: BerthPaths(root: root), images: ImageStore(rootfsDirectory: packageRoot + "/rootfs"),
                                   cgroups: cgroups, cgroupParent: parent, shimPath: shimPath)
        }

        /// A sandbox with one running container; returns its ID.
        func start(_ argv: [String]) async throws -> String {
            let config = PodSandboxConfig(name: "probe", namespace: "default", uid: "u-\(UUID().uuidString.prefix(8))",
                                          hostname: "probe", hostsFile: "", resolvConf: "")
            let sandbox = try await runtime.runPodSandbox(config)
            sandboxID = sandbox
            let id = try await runtime.createContainer(sandboxID: sandbox, config: ContainerConfig(name: "web", image: "busybox", argv: argv))
            try await runtime.startContainer(id)
            return id
        }

        func leftovers() -> [String] {
            let mountinfo = (try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)) ?? ""
            var left = mountinfo.split(separator: "\n").filter { $0.contains(root) }.map { "mount: \($0)" }
            left += ((try? FileManager.default.contentsOfDirectory(atPath: root + "/run/sandboxes")) ?? []).map { "sandbox: \($0)" }
            left += cgroups.pids(parent).map { "process in cgroup: \($0)" }
            return left
        }

        /// Removes the pod the runtime's way, then whatever a failure may have left.
        func teardown() async -> [String] {
            if let sandboxID { try? await runtime.removePodSandbox(sandboxID) }
            let left = leftovers()
            let mountinfo = (try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)) ?? ""
            for line in mountinfo.split(separator: "\n") where line.contains(root) {
                let fields = line.split(separator: " ")
                if fields.count > 4 { umount2(String(fields[4]), Int32(MNT_DETACH)) }
            }
            cgroups.killAll(parent)
            try? cgroups.remove(parent)
            try? FileManager.default.removeItem(atPath: root)
            return left
        }
    }

    /// A port nothing listens on in the agent's own namespace (so reaching it proves the pod's).
    static func portClosedOnTheHost() -> Int {
        for _ in 0..<20 {
            let port = Int.random(in: 20000...40000)
            let fd = berth_netns_connect(nil, "127.0.0.1", Int32(port), 500)
            if fd == -ECONNREFUSED { return port }
            if fd >= 0 { close(fd) }
        }
        return 39999
    }

    @Test func httpAndTCPProbesReachThePodsLoopbackOnly() async throws {
        let world = try World()
        let port = Self.portClosedOnTheHost()
        do {
            let id = try await world.start(["httpd", "-f", "-p", "\(port)", "-h", "/var/www"])
            let sandbox = try #require(world.sandboxID)
            let netns = try world.runtime.podSandboxStatus(sandbox).networkNamespace
            #expect(netns == world.runtime.paths.sandboxDirectory(sandbox) + "/ns/net")
            let prober = RuntimeProber(runtime: world.runtime)
            let target = ProbeTarget(containerID: id, sandboxID: sandbox)
            let tcp = ProbeAction.tcpSocket(host: "127.0.0.1", port: port)
            #expect(await poll(timeout: .seconds(10)) { await prober.probe(tcp, target: target, timeout: .seconds(1)) == .passed },
                    "httpd listens inside the pod")

            let page = HTTPProbeRequest(host: "127.0.0.1", port: port, path: "/index.html")
            #expect(await prober.probe(.httpGet(page), target: target, timeout: .seconds(1)) == .passed)
            let missing = HTTPProbeRequest(host: "127.0.0.1", port: port, path: "/healthz")
            #expect(await prober.probe(.httpGet(missing), target: target, timeout: .seconds(1))
                == .failed("HTTP probe failed with statuscode: 404"))
            let closed = HTTPProbeRequest(host: "127.0.0.1", port: port + 1, path: "/")
            #expect(await prober.probe(.httpGet(closed), target: target, timeout: .seconds(1))
                == .failed("Get \"http://127.0.0.1:\(port + 1)/\": dial tcp 127.0.0.1:\(port + 1): connect: connection refused"))
            #expect(await prober.probe(.tcpSocket(host: "127.0.0.1", port: port + 1), target: target, timeout: .seconds(1))
                == .failed("dial tcp 127.0.0.1:\(port + 1): connect: connection refused"))

            // The same port from the agent's own namespace: nothing there.
            let outside = await NetworkProbe.tcp(host: "127.0.0.1", port: port, networkNamespace: nil, timeout: .seconds(1))
            #expect(outside == .failed("dial tcp 127.0.0.1:\(port): connect: connection refused"))
            // A socket made for the pod is in the pod's namespace, not ours.
            let fd = berth_socket_in_netns(netns, AF_INET)
            #expect(fd >= 0)
            if fd >= 0 { close(fd) }
            #expect(Self.netnsInode(of: "/proc/thread-self/ns/net") != Self.netnsInode(of: netns ?? ""),
                    "this thread never moved")
        } catch {
            Issue.record("\(error)")
        }
        let left = await world.teardown()
        #expect(left.isEmpty, "\(left)")
    }

    @Test func execProbesCollectOutputAndTimeOut() async throws {
        let world = try World()
        do {
            let id = try await world.start(["sleep", "3600"])
            let sandbox = try #require(world.sandboxID)
            let prober = RuntimeProber(runtime: world.runtime)
            let target = ProbeTarget(containerID: id, sandboxID: sandbox)

            #expect(await prober.probe(.exec(command: ["true"]), target: target, timeout: .seconds(5)) == .passed)
            let failing = ProbeAction.exec(command: ["sh", "-c", "echo out; echo err >&2; exit 3"])
            #expect(await prober.probe(failing, target: target, timeout: .seconds(5)) == .failed("out\nerr\n"))
            let missing = await prober.probe(.exec(command: ["test", "-f", "/tmp/healthy"]), target: target, timeout: .seconds(5))
            #expect(missing == .failed(""))

            let started = ContinuousClock.now
            let slow = await prober.probe(.exec(command: ["sleep", "30"]), target: target, timeout: .milliseconds(300))
            #expect(slow == .failed("command \"sleep 30\" timed out"))
            #expect(ContinuousClock.now - started < .seconds(20), "killed at the timeout, not after 30 s")

            let big = try await world.runtime.execSync(id, argv: ["sh", "-c", "yes | head -c 100000"], timeout: .seconds(5),
                                                       outputLimit: RuntimeProber.outputLimit)
            #expect(big.exitCode == 0 && !big.timedOut)
            #expect(big.output.count == 10 << 10, "kept the kubelet's 10 KiB, read the rest")

            let noSuchCommand = await prober.probe(.exec(command: ["/no/such/probe"]), target: target, timeout: .seconds(5))
            if case .error(let message) = noSuchCommand {
                #expect(message.contains("/no/such/probe"), "\(message)")
            } else {
                Issue.record("expected an error, got \(noSuchCommand)")
            }
        } catch {
            Issue.record("\(error)")
        }
        let left = await world.teardown()
        #expect(left.isEmpty, "\(left)")
    }

    static func netnsInode(of path: String) -> UInt64? {
        var st = stat()
        return stat(path, &st) == 0 ? UInt64(st.st_ino) : nil
    }
}

/// The suites gated on root, berth-shim and kubectl skip where those are missing; this turns a
/// skip into a failure, so that CI (root, after `make test` built everything) cannot pass by
/// skipping them.
@Suite struct NodeTestPrerequisites {
    @Test func rootShimAndKubectlArePresent() {
        #expect(canRun, "ProbeRuntimeTests need root, a built berth-shim (swift build) and rootfs/busybox (make rootfs)")
        #expect(FileManager.default.isExecutableFile(atPath: "/usr/bin/kubectl"),
                "EndpointKubectlTests need kubectl 1.32 at /usr/bin/kubectl")
    }
}
