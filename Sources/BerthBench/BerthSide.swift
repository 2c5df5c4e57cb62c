import BerthAPI
import BerthNode
import BerthRuntime
import Foundation

/// Berth, in process: a LinuxRuntime with its state under a temp root and its cgroups under
/// `<own cgroup>/<cgroupName>`, driven the way the node agent drives it.
final class BerthSide: @unchecked Sendable {
    let runtime: LinuxRuntime
    let settings: NodeSettings
    let driver: any CgroupDriver
    let cgroupParent: CgroupPath
    let image: String
    let root: String
    /// Scenario (a), per iteration: create, start, wait, remove (ns).
    var phases = PhaseLog(names: ["createContainer", "startContainer", "waitContainer", "removeContainer"])

    init(root: String, rootfs: String, cgroupName: String, shimPath: String) throws(BenchError) {
        let paths = BerthPaths(root: root)
        do {
            driver = try Cgroups.defaultDriver()
        } catch {
            throw .system(operation: "cgroup driver (\(error))", path: Cgroups.defaultMountRoot, errno: ENOTSUP)
        }
        let url = URL(fileURLWithPath: rootfs)
        image = url.lastPathComponent
        self.root = root
        cgroupParent = CgroupPath(components: [cgroupName])
        runtime = LinuxRuntime(paths: paths, images: ImageStore(rootfsDirectory: url.deletingLastPathComponent().path),
                               cgroups: driver, cgroupParent: cgroupParent, shimPath: shimPath)
        settings = NodeSettings(paths: paths)
    }

    /// A pod from YAML, defaulted and validated, translated as the agent translates it.
    func plan(yaml: String) throws(BenchError) -> PodPlan {
        let decoded: [Pod]
        do { decoded = try decodePods(yaml: yaml, strict: true).pods } catch {
            throw .manifest(error.description)
        }
        guard var pod = decoded.first?.withDefaults() else { throw .manifest("no Pod document") }
        let errors = pod.validate().map(\.description)
        guard errors.isEmpty else { throw .manifest(errors.joined(separator: "; ")) }
        let uid = UUID().uuidString.lowercased()
        pod.metadata.uid = uid
        let plan = PodTranslation.plan(for: pod, uid: uid, settings: settings)
        for container in plan.containers where container.config == nil {
            throw .manifest("container \(container.name): \(container.configError ?? "no config")")
        }
        return plan
    }

    func runSandbox(_ plan: PodPlan) async throws(BenchError) -> String {
        do { return try await runtime.runPodSandbox(plan.sandbox) } catch {
            throw .runtime(step: "runPodSandbox", error: error)
        }
    }

    /// A container created and started in the sandbox (what a pod start does per container).
    func createAndStart(sandboxID: String, config: ContainerConfig) async throws(BenchError) {
        let id: String
        do { id = try await runtime.createContainer(sandboxID: sandboxID, config: config) } catch {
            throw .runtime(step: "createContainer", error: error)
        }
        do { try await runtime.startContainer(id) } catch {
            throw .runtime(step: "startContainer", error: error)
        }
    }

    /// One iteration of scenario (a): create, start, wait for the exit, remove.
    func startToExit(sandboxID: String, config: ContainerConfig) async throws(BenchError) -> Double {
        let start = Monotonic.now()
        let id: String
        do { id = try await runtime.createContainer(sandboxID: sandboxID, config: config) } catch {
            throw .runtime(step: "createContainer", error: error)
        }
        let created = Monotonic.now()
        do { try await runtime.startContainer(id) } catch {
            try? await runtime.removeContainer(id)
            throw .runtime(step: "startContainer", error: error)
        }
        let started = Monotonic.now()
        let exit = await runtime.waitContainer(id)
        let exited = Monotonic.now()
        do { try await runtime.removeContainer(id) } catch {
            throw .runtime(step: "removeContainer", error: error)
        }
        let elapsed = Monotonic.milliseconds(since: start)
        phases.record([created &- start, started &- created, exited &- started, Monotonic.now() &- exited])
        guard let exit, exit.exitCode == 0 else { throw .unexpectedExit(container: config.name, exit: exit) }
        return elapsed
    }

    /// One iteration of scenario (b): sandbox plus every container created and started, timed
    /// until the last start has been reported; then the shims' peak RSS is read and the pod torn
    /// down (untimed).
    func podToRunning(yaml: String) async throws(BenchError) -> (milliseconds: Double, shimRSSKiB: [Int]) {
        let plan = try plan(yaml: yaml)
        let start = Monotonic.now()
        let sandboxID = try await runSandbox(plan)
        var elapsed = 0.0
        var rss: [Int] = []
        do throws(BenchError) {
            for container in plan.containers {
                guard let config = container.config else { continue }
                try await createAndStart(sandboxID: sandboxID, config: config)
            }
            elapsed = Monotonic.milliseconds(since: start)
            for status in runtime.listContainers(sandboxID: sandboxID) {
                guard status.state == .running else {
                    throw .unexpectedExit(container: status.name, exit: status.exit)
                }
                if let shim = status.shimPID, let kib = peakRSSKiB(pid: String(shim)) { rss.append(kib) }
            }
        } catch {
            await removeSandbox(sandboxID)
            throw error
        }
        await removeSandbox(sandboxID)
        return (elapsed, rss)
    }

    func removeSandbox(_ id: String) async {
        do {
            try await runtime.stopPodSandbox(id)
            try await runtime.removePodSandbox(id)
        } catch {
            FileHandle.standardError.write(Data("berth-bench: removing sandbox \(id): \(error)\n".utf8))
        }
    }

    /// Removes every sandbox, then Berth's parent cgroup, then whatever is still mounted
    /// under the temp root (nothing, unless a removal failed).
    func cleanup() async {
        for sandbox in runtime.listPodSandboxes() { await removeSandbox(sandbox.id) }
        driver.killAll(cgroupParent)
        do { try driver.remove(cgroupParent) } catch {
            FileHandle.standardError.write(Data("berth-bench: removing cgroup \(cgroupParent): \(error)\n".utf8))
        }
        Mounts.detachAll(under: root)
    }
}

/// Per-phase durations of Berth's side, for the breakdown printed under the table.
struct PhaseLog {
    var names: [String]
    var samples: [[Double]] = []

    mutating func record(_ nanoseconds: [UInt64]) {
        samples.append(nanoseconds.map { Double($0) / 1_000_000 })
    }

    func summary(droppingFirst warmups: Int) -> String {
        let measured = samples.dropFirst(warmups)
        guard !measured.isEmpty else { return "" }
        return names.enumerated().map { index, name in
            let values = Samples(values: measured.map { $0[index] })
            return "\(name) \(Table.ms(values.median))"
        }.joined(separator: ", ") + " (medians, ms)"
    }
}
