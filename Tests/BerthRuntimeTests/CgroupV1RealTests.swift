import Foundation
import Testing

@testable import BerthRuntime

fileprivate let realCgroupV1Available = geteuid() == 0 && Cgroups.detect() != .unified
    && FileManager.default.fileExists(atPath: "/sys/fs/cgroup/memory/cgroup.procs")

/// cgroup v1 on this machine's kernel (root, legacy or hybrid layout). Cgroups are created
/// only below this process's own cgroup in each hierarchy, and removed even on failure.
@Suite(.enabled(if: realCgroupV1Available, "needs root and v1 cpu/memory hierarchies"))
struct CgroupV1RealTests {
    @Test func limitsAndPlacementOnTheKernel() throws {
        let driver = try CgroupV1Driver(layout: Cgroups.detect())
        let top = CgroupPath(components: ["berth-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"])
        let path = top.appending("app")
        var sleeper: Process?
        defer {
            if let sleeper, sleeper.isRunning {
                kill(sleeper.processIdentifier, SIGKILL)
                sleeper.waitUntilExit()
            }
            driver.killAll(top)
            do { try driver.remove(top) } catch { Issue.record("teardown: \(error)") }
            for controller in driver.controllers {
                let dir = driver.directory(top, controller: controller) ?? ""
                #expect(!FileManager.default.fileExists(atPath: dir), "left behind: \(dir)")
            }
        }

        for controller in driver.controllers {
            let own = Cgroups.ownCgroupParent(controller: controller)
            #expect(path.relativePath(for: controller).hasPrefix(own == "/" ? "/berth-test-" : own + "/berth-test-"))
        }
        let resources = CgroupResources(memoryLimitBytes: 32 << 20, cpuQuotaMicros: 50_000, cpuShares: 512, pidsLimit: 64)
        try driver.create(path, resources: resources)

        func kernel(_ controller: String, _ file: String) throws -> String {
            let dir = try #require(driver.directory(path, controller: controller))
            return try String(contentsOfFile: dir + "/" + file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        #expect(try kernel("memory", "memory.limit_in_bytes") == "33554432")
        #expect(try kernel("cpu", "cpu.cfs_quota_us") == "50000")
        #expect(try kernel("cpu", "cpu.cfs_period_us") == "100000")
        #expect(try kernel("cpu", "cpu.shares") == "512")
        if driver.controllers.contains("pids") { #expect(try kernel("pids", "pids.max") == "64") }
        #expect(try driver.readLimits(path) == CgroupLimits(
            memoryLimitBytes: 32 << 20, cpuQuotaMicros: 50_000, cpuPeriodMicros: 100_000, cpuShares: 512,
            pidsLimit: driver.controllers.contains("pids") ? 64 : nil))
        #expect(driver.oomKillCount(path) == 0)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sleep")
        process.arguments = ["60"]
        try process.run()
        sleeper = process
        let pid = process.processIdentifier
        for file in driver.procsFiles(path) { try CgroupFiles.write(String(pid), to: file, createIfMissing: false) }

        let placed = Cgroups.parseProcCgroup(try String(contentsOfFile: "/proc/\(pid)/cgroup", encoding: .utf8))
        for controller in driver.controllers {
            #expect(placed[controller] == path.relativePath(for: controller), "\(controller)")
        }
        #expect(driver.pids(top) == [pid])

        // A cgroup with a live task cannot go; remove waits, then reports busy.
        let impatient = try CgroupV1Driver(layout: Cgroups.detect(), removeTimeout: .milliseconds(30))
        #expect(throws: CgroupError.busy(path: try #require(impatient.directory(path, controller: "cpu")), waitedMilliseconds: 30)) {
            try impatient.remove(path)
        }

        driver.killAll(top)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        try driver.remove(top)
        #expect(driver.pids(top).isEmpty)
    }

    @Test func updateChangesKernelValues() throws {
        let driver = try CgroupV1Driver(layout: Cgroups.detect())
        let path = CgroupPath(components: ["berth-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"])
        defer { try? driver.remove(path) }
        try driver.create(path, resources: CgroupResources(cpuQuotaMicros: 20_000, cpuPeriodMicros: 100_000))
        // Period and quota change together (period first; quota first if the kernel refuses).
        try driver.update(path, resources: CgroupResources(cpuQuotaMicros: 5_000, cpuPeriodMicros: 10_000, cpuShares: 2))
        #expect(try driver.readLimits(path).cpuQuotaMicros == 5_000)
        #expect(try driver.readLimits(path).cpuPeriodMicros == 10_000)
        try driver.update(path, resources: CgroupResources())
        let limits = try driver.readLimits(path)
        #expect(limits.cpuQuotaMicros == nil)
        #expect(limits.memoryLimitBytes == nil)
        #expect(limits.cpuShares == 1024)
        try driver.remove(path)
        #expect(!FileManager.default.fileExists(atPath: driver.directory(path, controller: "cpu") ?? "/"))
    }

    /// A process over its memory limit is OOM-killed and `oomKillCount` sees it.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/python3")))
    func oomKillIsCounted() throws {
        let driver = try CgroupV1Driver(layout: Cgroups.detect())
        let path = CgroupPath(components: ["berth-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"])
        let process = Process()
        defer {
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }
            driver.killAll(path)
            do { try driver.remove(path) } catch { Issue.record("teardown: \(error)") }
        }
        try driver.create(path, resources: CgroupResources(memoryLimitBytes: 32 << 20))
        // The child waits for a line on stdin, so it is in the cgroup before it allocates.
        let go = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", "import sys; sys.stdin.readline(); b = b'x' * (100 << 20)"]
        process.standardInput = go
        try process.run()
        for file in driver.procsFiles(path) {
            try CgroupFiles.write(String(process.processIdentifier), to: file, createIfMissing: false)
        }
        try go.fileHandleForWriting.write(contentsOf: Data("go\n".utf8))
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        #expect(process.terminationStatus == SIGKILL)
        #expect(driver.oomKillCount(path) == 1)
    }
}
