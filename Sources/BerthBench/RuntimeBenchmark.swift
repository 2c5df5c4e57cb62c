import ArgumentParser
import BerthRuntime
import Foundation

struct RuntimeBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runtime",
        abstract: "Container start-to-exit and 2-container pod start: Berth (in process) versus crun, alternating.",
        discussion: """
            (a) /bin/true from nothing to removed: Berth createContainer + startContainer + \
            waitContainer + removeContainer in a pod sandbox made once; crun: one `crun run`.
            (b) a pod of two `sleep 3600` containers sharing a network namespace, from nothing to \
            both running: Berth runPodSandbox + 2 × (createContainer + startContainer); crun: \
            `ip netns add` + `ip link set lo up` + 2 × `crun run -d`. Teardown is not timed.
            Needs root and crun (apt-get install crun). Everything goes under a temp dir and \
            cgroups named berth-bench-<random> below this process's own cgroups, and is removed \
            at the end, on failure and on Ctrl-C.
            """)

    @Option(help: "Measured iterations per runtime and scenario.")
    var iterations = 30

    @Option(help: "Unmeasured iterations per runtime and scenario first.")
    var warmups = 3

    @Option(help: "The busybox root filesystem both runtimes use.")
    var rootfs = "rootfs/busybox"

    @Option(help: "The crun executable.")
    var crun = "crun"

    @Option(help: "berth-shim (default: beside this executable, or $BERTH_SHIM).")
    var shim: String?

    @Option(help: "The berth executable whose `berth run` peak RSS is measured (default: beside this executable).")
    var berth: String?

    @Option(help: "Manifest for the `berth run` RSS measurement.")
    var manifest = "examples/sidecar-pod.yaml"

    @Option(help: "Scenarios to run: all, true (a) or pod (b).")
    var only = "all"

    @Flag(help: "Skip the `berth run` RSS measurement.")
    var skipBerthRun = false

    func validate() throws {
        guard iterations >= 1 else { throw ValidationError("--iterations must be at least 1") }
        guard warmups >= 0 else { throw ValidationError("--warmups must not be negative") }
        guard ["all", "true", "pod"].contains(only) else { throw ValidationError("--only must be all, true or pod") }
    }

    func run() async throws {
        let interruption = Interruption()
        interruption.install()
        try await measureAndReport(try Bench.prepare(options: self, interruption: interruption))
    }
}

extension BenchError {
    var isInterrupt: Bool {
        if case .interrupted = self { return true }
        return false
    }
}

/// One run of the benchmark: what it made (so that cleanup undoes exactly that) and the loops.
final class Bench: @unchecked Sendable {
    let options: RuntimeBenchmark
    let interruption: Interruption
    let progress = Progress()
    let temp: String
    let tag: String
    let rootfs: String
    let crunPath: String
    let unsharePath: String
    let selfPath: String
    let shimPath: String
    let berthSide: BerthSide
    let crunCgroups: CrunCgroups
    let netnsName: String
    let netnsDirExisted: Bool
    var peer: PeerProcess?
    var runCgroupName: String { "berth-bench-\(tag)-run" }

    private init(options: RuntimeBenchmark, interruption: Interruption, temp: String, tag: String, rootfs: String,
                 crunPath: String, unsharePath: String, selfPath: String, shimPath: String) throws(BenchError) {
        self.options = options
        self.interruption = interruption
        self.temp = temp
        self.tag = tag
        self.rootfs = rootfs
        self.crunPath = crunPath
        self.unsharePath = unsharePath
        self.selfPath = selfPath
        self.shimPath = shimPath
        netnsName = "berth-bench-\(tag)"
        netnsDirExisted = FileManager.default.fileExists(atPath: "/run/netns")
        crunCgroups = CrunCgroups(name: "berth-bench-\(tag)-crun")
        berthSide = try BerthSide(root: temp + "/berth", rootfs: rootfs, cgroupName: "berth-bench-\(tag)", shimPath: shimPath)
    }

    static func prepare(options: RuntimeBenchmark, interruption: Interruption) throws(BenchError) -> Bench {
        guard geteuid() == 0 else { throw .notRoot }
        let rootfs = URL(fileURLWithPath: options.rootfs).standardizedFileURL.path
        guard FileManager.default.fileExists(atPath: rootfs + "/bin/busybox") else {
            throw .missingFile(path: rootfs + "/bin/busybox", hint: "build the rootfs with `make rootfs` or pass --rootfs")
        }
        guard let crun = Spawn.which(options.crun) else {
            throw .missingFile(path: options.crun, hint: "install the peer with `apt-get install crun`")
        }
        guard let unshare = Spawn.which("unshare") else {
            throw .missingFile(path: "unshare", hint: "apt-get install util-linux")
        }
        guard let selfPath = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else {
            throw .system(operation: "readlink", path: "/proc/self/exe", errno: errno)
        }
        let shim = options.shim ?? ShimLauncher.locate()
        guard FileManager.default.isExecutableFile(atPath: shim) else {
            throw .missingFile(path: shim, hint: "build berth-shim (swift build) or pass --shim / set BERTH_SHIM")
        }
        var template = Array("/tmp/berth-bench-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.flatMap { mkdtemp($0) } }
        guard made != nil else { throw .system(operation: "mkdtemp", path: "/tmp/berth-bench-XXXXXX", errno: errno) }
        let temp = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let tag = String(temp.suffix(6)).lowercased().filter { $0.isLetter || $0.isNumber }
        do {
            return try Bench(options: options, interruption: interruption, temp: temp, tag: tag, rootfs: rootfs,
                             crunPath: crun, unsharePath: unshare, selfPath: selfPath, shimPath: shim)
        } catch {
            try? FileManager.default.removeItem(atPath: temp)
            throw error
        }
    }

    // MARK: measuring

    func measure() async throws(BenchError) -> String {
        progress.note("berth-bench: temp \(temp), cgroups berth-bench-\(tag)*, shim \(shimPath), crun \(crunPath)")
        let state = temp + "/crun-state"
        for dir in [state, temp + "/bundles"] where mkdir(dir, 0o700) != 0 {
            throw .system(operation: "mkdir", path: dir, errno: errno)
        }
        peer = try await PeerProcess.start(unshare: unsharePath, selfPath: selfPath, arguments: [
            "--crun", crunPath, "--state", state, "--bundles", temp + "/bundles", "--netns", netnsName,
            "--log", temp + "/crun.log", "--rootfs", rootfs, "--cgroup-base", crunCgroups.base,
        ])
        guard let peer else { throw .peer("not started") }

        var results: [ScenarioResult] = []
        if options.only != "pod" { results.append(try await scenarioTrue(peer: peer)) }
        var shimHWM: [Int] = []
        if options.only != "true" {
            let (podResult, hwm) = try await scenarioPod(peer: peer)
            results.append(podResult)
            shimHWM = hwm
        }
        let crunKiB = Int(try await peer.request("rss"))
        let agent = options.skipBerthRun ? nil : try await berthRunRSS()
        let rss: [(String, String)] = [
            ("berth-shim (max over \(shimHWM.count) shims of scenario b, while running)", Table.mib(shimHWM.max())),
            ("crun (`crun run` of sleep 0.5, polled while running)", Table.mib(crunKiB)),
            ("agent in process: this benchmark (LinuxRuntime)", Table.mib(peakRSSKiB(pid: "self"))),
            ("agent: `berth run -f \(options.manifest) --rm`", agent.map { Table.mib($0) } ?? "skipped"),
        ]
        return Table.render(results, iterations: options.iterations, warmups: options.warmups, rss: rss)
    }

    /// Runs `body` for Berth and crun in alternating order: warm-ups, then measured iterations.
    private func alternate(_ name: String, berth: () async throws(BenchError) -> Double,
                           crun: () async throws(BenchError) -> Double) async throws(BenchError) -> (Samples, Samples) {
        var berthSamples = Samples()
        var crunSamples = Samples()
        let total = options.warmups + options.iterations
        for index in 0..<total {
            try interruption.check()
            let b: Double
            let c: Double
            if index % 2 == 0 {
                b = try await berth()
                c = try await crun()
            } else {
                c = try await crun()
                b = try await berth()
            }
            if index >= options.warmups {
                berthSamples.values.append(b)
                crunSamples.values.append(c)
                progress.update(name, phase: "iteration", done: index - options.warmups + 1, total: options.iterations,
                                berth: b, peer: c)
            } else {
                progress.update(name, phase: "warm-up", done: index + 1, total: options.warmups, berth: b, peer: c)
            }
        }
        return (berthSamples, crunSamples)
    }

    private func scenarioTrue(peer: PeerProcess) async throws(BenchError) -> ScenarioResult {
        let plan = try berthSide.plan(yaml: """
            apiVersion: v1
            kind: Pod
            metadata: {name: bench-true}
            spec:
              restartPolicy: Never
              containers:
                - {name: main, image: \(berthSide.image), command: ["/bin/true"]}
            """)
        guard let config = plan.containers.first?.config else { throw .manifest("no container config") }
        let sandbox = try await berthSide.runSandbox(plan)
        let (b, c) = try await alternate("(a) /bin/true", berth: { () async throws(BenchError) -> Double in
            try await self.berthSide.startToExit(sandboxID: sandbox, config: config)
        }, crun: { () async throws(BenchError) -> Double in
            Double(try await peer.requestNanoseconds("true")) / 1_000_000
        })
        await berthSide.removeSandbox(sandbox)
        progress.note("(a) Berth phases: " + berthSide.phases.summary(droppingFirst: options.warmups))
        return ScenarioResult(
            title: "(a) container start→exit, /bin/true", included: """
            Berth: createContainer (state dir, upper/work dirs, cgroups in cpu, cpuacct, memory, pids, meta.json) + \
            startContainer (bootstrap, posix_spawn berth-shim, join pod net/ipc/uts, new mount/pid/cgroup ns, \
            cgroup placement, overlay mount, /proc /dev /dev/pts /dev/shm /dev/mqueue /sys + 3 file binds, devices, \
            pivot_root, masked/read-only paths, caps, seccomp, exec) + waitContainer (exit file) + removeContainer \
            (cgroups and state removed); the pod sandbox is made once, before.
              crun: one `crun run` (spawn of crun, state, cgroups in every v1 hierarchy, new pid/ipc/uts/mount/cgroup \
            ns, bind of the rootfs, the same kernel mounts minus the 3 file binds, pivot_root, masked/read-only paths, \
            the same caps and seccomp deny list, exec, wait, delete of state and cgroup), timed in its helper.
            """, berth: b, peer: c)
    }

    private func scenarioPod(peer: PeerProcess) async throws(BenchError) -> (ScenarioResult, [Int]) {
        let yaml = """
            apiVersion: v1
            kind: Pod
            metadata: {name: bench-pod}
            spec:
              containers:
                - {name: c1, image: \(berthSide.image), command: [sleep, "3600"]}
                - {name: c2, image: \(berthSide.image), command: [sleep, "3600"]}
            """
        var shimHWM: [Int] = []
        let (b, c) = try await alternate("(b) 2-container pod", berth: { () async throws(BenchError) -> Double in
            let result = try await self.berthSide.podToRunning(yaml: yaml)
            shimHWM += result.shimRSSKiB
            return result.milliseconds
        }, crun: { () async throws(BenchError) -> Double in
            Double(try await peer.requestNanoseconds("pod")) / 1_000_000
        })
        return (ScenarioResult(
            title: "(b) 2-container pod, nothing→both running", included: """
            Berth: runPodSandbox (dirs, hosts/hostname/resolv.conf, /dev/shm tmpfs, pod cgroup, berth-shim pin: \
            new net/ipc/uts ns, lo up, bind-pinned) + 2 × (createContainer + startContainer), until the second \
            shim has reported `started` (its container has exec'd sleep).
              crun: `ip netns add` + `ip -n <ns> link set lo up` + 2 × `crun run -d` joining that netns by path \
            (each with its own ipc/uts ns). Teardown (stop/remove; crun delete -f, ip netns del) is not timed.
            """, berth: b, peer: c), shimHWM)
    }

    /// `berth run` of the sidecar pod: its own VmHWM, polled every 5 ms until it exits (VmHWM only
    /// grows). Not wait4's ru_maxrss: a posix_spawned (vfork) child's ru_maxrss includes the
    /// parent's peak, which exec records as the old mm's high-water mark.
    private func berthRunRSS() async throws(BenchError) -> Int {
        let executable = options.berth ?? URL(fileURLWithPath: selfPath).deletingLastPathComponent().appendingPathComponent("berth").path
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw .missingFile(path: executable, hint: "build `berth` or pass --berth, or use --skip-berth-run")
        }
        let manifest = URL(fileURLWithPath: options.manifest).standardizedFileURL.path
        guard FileManager.default.fileExists(atPath: manifest) else {
            throw .missingFile(path: manifest, hint: "pass --manifest or --skip-berth-run")
        }
        let logPath = temp + "/berth-run.log"
        let logFD = open(logPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard logFD >= 0 else { throw .system(operation: "open", path: logPath, errno: errno) }
        defer { close(logFD) }
        progress.note("agent RSS: berth run -f \(options.manifest) --rm ...")
        let argv = [executable, "run", "-f", manifest, "--rm", "--root", temp + "/berth-run",
                    "--images", URL(fileURLWithPath: rootfs).deletingLastPathComponent().path,
                    "--cgroup-parent", runCgroupName]
        let pid = try Spawn.start(argv, stdio: [-1, logFD, logFD])
        let (exit, hwm) = await offPool { () -> (ChildExit, Int) in
            var hwm = 0
            var status: Int32 = 0
            var usage = rusage()
            while true {
                if let kib = peakRSSKiB(pid: String(pid)) { hwm = max(hwm, kib) }
                let reaped = wait4(pid, &status, WNOHANG, &usage)
                if reaped == pid { return (ChildExit(status: status, maxRSSKiB: Int(usage.ru_maxrss)), hwm) }
                if reaped < 0 && errno != EINTR { return (ChildExit(status: 255 << 8, maxRSSKiB: 0), hwm) }
                usleep(5_000)
            }
        }
        guard exit.code == 0 else {
            throw .commandFailed(command: argv.joined(separator: " "), status: exit.code, output: Spawn.tail(of: logPath))
        }
        return hwm
    }

    // MARK: cleanup

    /// Undoes everything, whatever state the run stopped in: Berth's sandboxes, mounts and
    /// cgroups; the helper (which deletes its crun containers and netns); then anything the
    /// helper could not (its containers by PID from crun's state, its cgroups, the netns file).
    func cleanup() async {
        await berthSide.cleanup()
        if let peer {
            let exit = await peer.stop()
            if exit.code != 0 { progress.note("berth-bench: the crun helper exited with status \(exit.code)") }
        }
        killLeftoverCrunContainers()
        crunCgroups.remove()
        let netnsFile = "/run/netns/" + netnsName
        if FileManager.default.fileExists(atPath: netnsFile), !Mounts.isMountPoint(netnsFile) { unlink(netnsFile) }
        if !netnsDirExisted { rmdir("/run/netns") }  // only if still empty
        let runParent = CgroupPath(components: [runCgroupName])
        berthSide.driver.killAll(runParent)
        try? berthSide.driver.remove(runParent)
        Mounts.detachAll(under: temp)
        do { try FileManager.default.removeItem(atPath: temp) } catch {
            progress.note("berth-bench: cannot remove \(temp): \(error)")
        }
    }

    /// Containers crun left running (only if the helper died): killed by the PIDs in crun's state.
    private func killLeftoverCrunContainers() {
        let state = temp + "/crun-state"
        for id in (try? FileManager.default.contentsOfDirectory(atPath: state)) ?? [] {
            guard let data = FileManager.default.contents(atPath: "\(state)/\(id)/status"),
                  let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let pid = (object["pid"] as? NSNumber)?.int32Value, pid > 1 else { continue }
            progress.note("berth-bench: killing leftover crun container \(id) (pid \(pid))")
            kill(pid, SIGKILL)
        }
    }
}
