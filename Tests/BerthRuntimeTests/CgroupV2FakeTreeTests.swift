import Foundation
import Synchronization
import Testing

@testable import BerthRuntime

/// cgroup v2 against a fake tree in a temp directory (as youki's libcgroups tests do).
@Suite struct CgroupV2FakeTreeTests {
    let root: String

    init() throws {
        root = try makeRTScratchDirectory("cgroup2")
        try put("cgroup.controllers", "cpuset cpu io memory hugetlb pids rdma misc\n")
        try put("cgroup.subtree_control", "cpu memory\n")
        try FileManager.default.createDirectory(atPath: root + "/agent", withIntermediateDirectories: false)
        try put("agent/cgroup.controllers", "cpu memory pids\n")
        try put("agent/cgroup.subtree_control", "")
        try put("agent/cgroup.procs", "")
    }

    func put(_ relative: String, _ content: String) throws {
        try content.write(toFile: root + "/" + relative, atomically: false, encoding: .utf8)
    }

    func get(_ relative: String) -> String? {
        try? String(contentsOfFile: root + "/" + relative, encoding: .utf8)
    }

    func exists(_ relative: String) -> Bool { FileManager.default.fileExists(atPath: root + "/" + relative) }

    @Test func createWritesLimitsAndEnablesControllers() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let driver = CgroupV2Driver(mountRoot: root)
        let path = CgroupPath(parent: "/agent", components: ["berth", "pod1", "app"])
        let resources = CgroupResources(memoryLimitBytes: 32 << 20, cpuQuotaMicros: 50_000, cpuShares: 512, pidsLimit: 64)
        try driver.create(path, resources: resources)

        for level in ["agent", "agent/berth", "agent/berth/pod1"] {
            #expect(get(level + "/cgroup.subtree_control") == "+cpu +memory +pids", "\(level)")
        }
        #expect(!exists("agent/berth/pod1/app/cgroup.subtree_control"))
        #expect(get("agent/berth/pod1/app/memory.max") == "33554432")
        #expect(get("agent/berth/pod1/app/cpu.max") == "50000 100000")
        #expect(get("agent/berth/pod1/app/cpu.weight") == "20")
        #expect(get("agent/berth/pod1/app/pids.max") == "64")
        #expect(get("cgroup.subtree_control") == "cpu memory\n")  // parent offers all: ancestors untouched

        #expect(driver.procsFiles(path) == [root + "/agent/berth/pod1/app/cgroup.procs"])
        #expect(driver.oomKillFile(path) == root + "/agent/berth/pod1/app/memory.events")
        #expect(driver.oomKillCount(path) == 0)
        try put("agent/berth/pod1/app/memory.events", "low 0\nhigh 0\nmax 4\noom 1\noom_kill 3\noom_group_kill 0\n")
        #expect(driver.oomKillCount(path) == 3)

        #expect(try driver.readLimits(path) == CgroupLimits(
            memoryLimitBytes: 32 << 20, cpuQuotaMicros: 50_000, cpuPeriodMicros: 100_000, cpuWeight: 20, pidsLimit: 64))
        try driver.update(path, resources: CgroupResources())
        #expect(get("agent/berth/pod1/app/cpu.max") == "max 100000")
        #expect(try driver.readLimits(path) == CgroupLimits(cpuPeriodMicros: 100_000, cpuWeight: 100))

        try put("agent/berth/pod1/cgroup.procs", "4194301\n")
        try put("agent/berth/pod1/app/cgroup.procs", "4194302\n4194301\n")
        #expect(driver.pids(path.withComponents(["berth", "pod1"])) == [4_194_301, 4_194_302])

        try driver.remove(path)
        #expect(!exists("agent/berth/pod1/app"))
        #expect(exists("agent/berth/pod1"))
        try driver.remove(path.withComponents(["berth"]))
        #expect(!exists("agent/berth"))
        #expect(exists("agent/cgroup.procs"))
        try driver.remove(path)  // already gone: fine
    }

    @Test func enablesMissingControllerInAncestors() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        try put("agent/cgroup.controllers", "cpu memory\n")  // pids not offered to the parent
        let driver = CgroupV2Driver(mountRoot: root)
        try driver.create(CgroupPath(parent: "/agent", components: ["berth"]), resources: nil)
        #expect(get("cgroup.subtree_control") == "+pids")
        #expect(get("agent/cgroup.subtree_control") == "+cpu +memory")
    }

    @Test func limitOnUnavailableControllerFails() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        try put("cgroup.controllers", "cpu memory\n")
        try put("agent/cgroup.controllers", "cpu memory\n")
        let driver = CgroupV2Driver(mountRoot: root)
        let path = CgroupPath(parent: "/agent", components: ["berth"])
        try driver.create(path, resources: CgroupResources(memoryLimitBytes: 1 << 20))
        try put("agent/berth/cgroup.controllers", "cpu memory\n")
        #expect(throws: CgroupError.controllerUnavailable(controller: "pids", mountRoot: root + "/agent/berth")) {
            try driver.update(path, resources: CgroupResources(pidsLimit: 10))
        }
    }

    /// The "no internal processes" rule: EBUSY on the parent's subtree_control moves its
    /// processes into the agent leaf, then enabling succeeds.
    @Test func busyParentMovesProcessesToAgentLeaf() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        try put("agent/cgroup.procs", "111\n222\n")
        let parentControl = root + "/agent/cgroup.subtree_control"
        let leafProcs = root + "/agent/berth-agent/cgroup.procs"
        let moved = Mutex<[String]>([])
        let driver = CgroupV2Driver(mountRoot: root, agentLeafName: "berth-agent", removeTimeout: .seconds(1)) {
            (content, path) throws(CgroupError) in
            if path == leafProcs {
                moved.withLock { $0.append(content) }
            } else if path == parentControl, moved.withLock({ $0.count }) < 2 {
                throw .operationFailed(operation: "write", path: path, errno: EBUSY)
            }
            try CgroupFiles.write(content, to: path)
        }
        try driver.create(CgroupPath(parent: "/agent", components: ["berth", "pod"]), resources: nil)
        #expect(moved.withLock { $0 } == ["111", "222"])
        #expect(exists("agent/berth-agent"))
        #expect(get("agent/cgroup.subtree_control") == "+cpu +memory +pids")

        let strict = CgroupV2Driver(mountRoot: root, agentLeafName: nil, removeTimeout: .seconds(1)) {
            (_, path) throws(CgroupError) in throw .operationFailed(operation: "write", path: path, errno: EBUSY)
        }
        try put("agent/cgroup.subtree_control", "")
        #expect(throws: CgroupError.operationFailed(operation: "write", path: parentControl, errno: EBUSY)) {
            try strict.create(CgroupPath(parent: "/agent", components: ["other"]), resources: nil)
        }
        #expect(!exists("agent/other"))
    }

    @Test func killAllSignalsListedProcesses() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let driver = CgroupV2Driver(mountRoot: root)
        let path = CgroupPath(parent: "/agent", components: ["victim"])
        try driver.create(path, resources: nil)
        let sleeper = Process()
        sleeper.executableURL = URL(fileURLWithPath: "/bin/sleep")
        sleeper.arguments = ["30"]
        try sleeper.run()
        defer { if sleeper.isRunning { kill(sleeper.processIdentifier, SIGKILL) } }
        try put("agent/victim/cgroup.procs", "\(sleeper.processIdentifier)\n")  // fake tree: no cgroup.kill
        driver.killAll(path)
        sleeper.waitUntilExit()
        #expect(sleeper.terminationReason == .uncaughtSignal)
        #expect(sleeper.terminationStatus == SIGKILL)
    }

    @Test func missingParentFails() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let driver = CgroupV2Driver(mountRoot: root)
        #expect(throws: CgroupError.self) {
            try driver.create(CgroupPath(parent: "/nope", components: ["x"]), resources: nil)
        }
    }
}

func makeRTScratchDirectory(_ label: String) throws -> String {
    var template = Array((FileManager.default.temporaryDirectory.path + "/berth-\(label)-XXXXXX").utf8CString)
    let made = template.withUnsafeMutableBufferPointer { buffer in buffer.baseAddress.flatMap { mkdtemp($0) } }
    guard let result = made else {
        throw CocoaError(.fileWriteUnknown)
    }
    return String(cString: result)
}
