import BerthAPI
import BerthClient
import BerthRuntime
import CBerth
import Foundation
import Logging

/// One run of `berth-bench cluster`: the processes it started and the temp dir and cgroups it
/// made (so that cleanup undoes exactly those), and the scenarios.
final class ClusterBench: @unchecked Sendable {
    let options: ClusterBenchmark
    let interruption: Interruption
    let progress = Progress()
    let temp: String
    let tag: String
    let berthPath: String
    let shimPath: String
    let rootfs: String
    /// What the agent's `--images` names: the directory holding the rootfs.
    let imagesDirectory: String
    let namespace = "default"
    let timeline = PodTimeline()
    /// The agent's runtime state, read (never changed) to date its steps, and used at cleanup
    /// to remove whatever the agent left.
    let agentRuntime: LinuxRuntime
    let agentPaths: BerthPaths
    var server: ClusterProcess?
    var agent: ClusterProcess?
    var client: KubeClient?
    var watchTask: Task<Void, Never>?
    var floor: RuntimeFloor?

    var nodeName: String { "bench-\(tag)" }
    var cgroupName: String { "berth-bench-\(tag)" }
    var labelSelector: String { "berth-bench=\(tag)" }

    private init(options: ClusterBenchmark, interruption: Interruption, temp: String, tag: String, berthPath: String,
                 rootfs: String, driver: any CgroupDriver) {
        self.options = options
        self.interruption = interruption
        self.temp = temp
        self.tag = tag
        self.berthPath = berthPath
        self.rootfs = rootfs
        shimPath = URL(fileURLWithPath: berthPath).deletingLastPathComponent().path + "/berth-shim"
        imagesDirectory = URL(fileURLWithPath: rootfs).deletingLastPathComponent().path
        agentPaths = BerthPaths(root: temp + "/agent")
        agentRuntime = LinuxRuntime(paths: agentPaths, images: ImageStore(rootfsDirectory: imagesDirectory),
                                    cgroups: driver, cgroupParent: CgroupPath(components: ["berth-bench-\(tag)"]),
                                    shimPath: shimPath, logger: Logger(label: "berth-bench"))
    }

    static func prepare(options: ClusterBenchmark, interruption: Interruption) throws(BenchError) -> ClusterBench {
        guard geteuid() == 0 else { throw .notRoot }
        let rootfs = URL(fileURLWithPath: options.rootfs).standardizedFileURL.path
        guard FileManager.default.fileExists(atPath: rootfs + "/bin/busybox") else {
            throw .missingFile(path: rootfs + "/bin/busybox", hint: "build the rootfs with `make rootfs` or pass --rootfs")
        }
        guard let selfPath = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else {
            throw .system(operation: "readlink", path: "/proc/self/exe", errno: errno)
        }
        let binDir = options.binDir.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
            ?? URL(fileURLWithPath: selfPath).deletingLastPathComponent().path
        for binary in ["berth", "berth-shim"] where !FileManager.default.isExecutableFile(atPath: binDir + "/" + binary) {
            throw .missingFile(path: binDir + "/" + binary, hint: "build Berth (swift build -c release) or pass --bin-dir")
        }
        let driver: any CgroupDriver
        do { driver = try Cgroups.defaultDriver() } catch {
            throw .system(operation: "cgroup driver (\(error))", path: Cgroups.defaultMountRoot, errno: ENOTSUP)
        }
        var template = Array("/tmp/berth-bench-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.flatMap { mkdtemp($0) } }
        guard made != nil else { throw .system(operation: "mkdtemp", path: "/tmp/berth-bench-XXXXXX", errno: errno) }
        let temp = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let tag = String(temp.suffix(6)).lowercased().filter { $0.isLetter || $0.isNumber }
        // Shims orphaned by an agent that died come to us, and cleanup reaps them.
        _ = berth_set_child_subreaper()
        return ClusterBench(options: options, interruption: interruption, temp: temp, tag: tag,
                            berthPath: binDir + "/berth", rootfs: rootfs, driver: driver)
    }

    // MARK: measuring

    func measure() async throws(BenchError) -> String {
        var report = ClusterReport(pods: options.pods, pod: options.pod, loadBefore: loadAverage())
        progress.note("berth-bench cluster: temp \(temp), node \(nodeName), cgroups \(cgroupName), berth \(berthPath)")
        if !options.skipFloor {
            let floor = try RuntimeFloor(temp: temp, rootfs: rootfs, cgroupName: cgroupName + "-floor",
                                         shimPath: shimPath,
                                         pods: options.pods, podKind: options.pod)
            self.floor = floor
            if !options.skipOneByOne {
                report.floorOneByOne = try await floor.oneByOne()
                progress.note("runtime alone, one by one: median \(Table.ms(report.floorOneByOne?.median ?? .nan)) ms")
            }
            try interruption.check()
            if !options.skipAtOnce {
                report.floorAtOnce = try await floor.atOnce()
                progress.note("runtime alone, at once: median \(Table.ms(report.floorAtOnce?.median ?? .nan)) ms")
            }
            await floor.cleanup()
            self.floor = nil
        }
        let url = try await startServer()
        let client = KubeClient(baseURL: url, logger: Logger(label: "berth-bench"), maxConnections: options.pods + 8)
        self.client = client
        try await startAgent(server: url)
        try await waitForNodeReady(client)
        report.idle = memory()

        let listed: JSONValue
        do { listed = try await client.list(.pods(namespace: namespace), options: ListOptions(labelSelector: labelSelector)) } catch {
            throw .cluster("listing pods: \(error)")
        }
        let resourceVersion = listed["metadata"]?["resourceVersion"]?.stringValue ?? "0"
        let timeline = self.timeline, namespace = self.namespace, selector = labelSelector
        watchTask = Task { await timeline.watch(client: client, namespace: namespace, labelSelector: selector, from: resourceVersion) }

        if options.warmups > 0 {
            let names = (1...options.warmups).map { "bench-warmup-\($0)" }
            for name in names { _ = try await postAndWait(name, client: client) }
            progress.note("warm-up: \(options.warmups) pods Ready")
            _ = try await deleteAll(names, client: client)
        }
        if !options.skipOneByOne {
            let names = (1...options.pods).map { String(format: "bench-seq-%03d", $0) }
            var samples = Samples()
            let cpu = cpuSeconds()
            for (index, name) in names.enumerated() {
                samples.values.append(try await postAndWait(name, client: client))
                progress.update("one by one", phase: "pod", done: index + 1, total: names.count, berth: samples.values.last, peer: nil)
            }
            report.oneByOne = try await finishBatch("one by one", names: names, samples: samples, cpuBefore: cpu, client: client)
        }
        if !options.skipAtOnce {
            let names = (1...options.pods).map { String(format: "bench-par-%03d", $0) }
            let cpu = cpuSeconds()
            let samples = try await postAllAndWait(names, client: client)
            report.atOnce = try await finishBatch("at once", names: names, samples: samples, cpuBefore: cpu, client: client)
        }
        watchTask?.cancel()
        report.podman = PodmanPeer(options: options).reference()
        report.loadAfter = loadAverage()
        report.cleanup = await stopAndVerify()
        return report.render()
    }

    /// After a batch: the phases from the watch and from the agent's records, memory with the
    /// pods running, then the deletion of every pod until the node has removed them.
    private func finishBatch(_ title: String, names: [String], samples: Samples, cpuBefore: CPUReading,
                             client: KubeClient) async throws(BenchError) -> BatchResult {
        let cpuAfter = cpuSeconds()
        var result = BatchResult(title: title, latency: samples, phases: PhaseTable.collect(names: names, timeline: timeline,
                                                                                             runtime: agentRuntime, paths: agentPaths))
        result.loadAverage = loadAverage()
        result.cpu = CPUReading(server: cpuAfter.server.flatMap { after in cpuBefore.server.map { after - $0 } },
                                agent: cpuAfter.agent.flatMap { after in cpuBefore.agent.map { after - $0 } })
        // Steady state: the last status updates and events are still being written when the
        // last pod turns Ready, and the processes give freed memory back every 5 s.
        try? await Task.sleep(for: .seconds(6))
        result.memory = memory()
        progress.note("\(title): median \(Table.ms(samples.median)) ms, p99 \(Table.ms(samples.percentile(99))) ms; "
                      + "agent \(result.memory?.agent?.summary ?? "?"), server \(result.memory?.server?.summary ?? "?")")
        result.deletion = try await deleteAll(names, client: client)
        return result
    }

    /// CPU seconds used so far by the server and the agent.
    func cpuSeconds() -> CPUReading {
        CPUReading(server: server?.cpuSeconds(), agent: agent?.cpuSeconds())
    }

    func memory() -> MemoryReading {
        MemoryReading(server: server?.memory(), agent: agent?.memory())
    }
}

/// CPU seconds of the server and the agent (used in a batch: from its first POST to its last Ready).
struct CPUReading: Sendable {
    var server: Double?
    var agent: Double?
}

/// The server's and the agent's memory at one moment.
struct MemoryReading: Sendable {
    var server: ProcessMemory?
    var agent: ProcessMemory?
}
