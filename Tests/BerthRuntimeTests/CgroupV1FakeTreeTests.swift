import Foundation
import Testing

@testable import BerthRuntime

/// cgroup v1 against a fake tree: one directory per hierarchy, nested parents per controller.
@Suite struct CgroupV1FakeTreeTests {
    let root: String

    init() throws {
        root = try makeRTScratchDirectory("cgroup1")
    }

    func makeHierarchies(_ names: [String]) throws {
        for name in names { try FileManager.default.createDirectory(atPath: root + "/" + name, withIntermediateDirectories: true) }
    }

    func get(_ relative: String) -> String? {
        try? String(contentsOfFile: root + "/" + relative, encoding: .utf8)
    }

    func exists(_ relative: String) -> Bool { FileManager.default.fileExists(atPath: root + "/" + relative) }

    @Test func createWritesEveryHierarchy() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        try makeHierarchies(["cpu", "cpuacct", "memory/process_api/x", "pids", "cpuset"])
        let driver = try CgroupV1Driver(mountRoot: root, layout: .hybrid)
        #expect(driver.controllers == ["cpu", "cpuacct", "memory", "pids"])
        #expect(driver.layout == .hybrid)

        let parents = ["cpu": "/", "cpuacct": "/", "memory": "/process_api/x", "pids": "/"]
        let path = CgroupPath(components: ["berth", "pod1", "app"], parents: parents)
        let resources = CgroupResources(memoryLimitBytes: 32 << 20, cpuQuotaMicros: 50_000, cpuShares: 512, pidsLimit: 64)
        try driver.create(path, resources: resources)

        #expect(get("memory/process_api/x/berth/pod1/app/memory.limit_in_bytes") == "33554432")
        #expect(get("cpu/berth/pod1/app/cpu.cfs_quota_us") == "50000")
        #expect(get("cpu/berth/pod1/app/cpu.cfs_period_us") == "100000")
        #expect(get("cpu/berth/pod1/app/cpu.shares") == "512")
        #expect(get("pids/berth/pod1/app/pids.max") == "64")
        #expect(exists("cpuacct/berth/pod1/app"))
        #expect(!exists("cpuset/berth"))
        #expect(driver.procsFiles(path) == [
            root + "/cpu/berth/pod1/app/cgroup.procs", root + "/cpuacct/berth/pod1/app/cgroup.procs",
            root + "/memory/process_api/x/berth/pod1/app/cgroup.procs", root + "/pids/berth/pod1/app/cgroup.procs",
        ])
        #expect(driver.oomKillFile(path) == root + "/memory/process_api/x/berth/pod1/app/memory.oom_control")
        try "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n".write(
            toFile: root + "/memory/process_api/x/berth/pod1/app/memory.oom_control", atomically: false, encoding: .utf8)
        #expect(driver.oomKillCount(path) == 2)
        #expect(try driver.readLimits(path) == CgroupLimits(
            memoryLimitBytes: 32 << 20, cpuQuotaMicros: 50_000, cpuPeriodMicros: 100_000, cpuShares: 512, pidsLimit: 64))

        try driver.update(path, resources: CgroupResources())
        #expect(get("memory/process_api/x/berth/pod1/app/memory.limit_in_bytes") == "-1")
        #expect(get("cpu/berth/pod1/app/cpu.cfs_quota_us") == "-1")
        #expect(get("cpu/berth/pod1/app/cpu.shares") == "1024")
        #expect(get("pids/berth/pod1/app/pids.max") == "max")

        try "7\n".write(toFile: root + "/pids/berth/pod1/app/cgroup.procs", atomically: false, encoding: .utf8)
        try "7\n9\n".write(toFile: root + "/cpu/berth/pod1/cgroup.procs", atomically: false, encoding: .utf8)
        #expect(driver.pids(path.withComponents(["berth"])) == [7, 9])

        try driver.remove(path.withComponents(["berth"]))
        for hierarchy in ["cpu", "cpuacct", "memory/process_api/x", "pids"] {
            #expect(!exists(hierarchy + "/berth"), "\(hierarchy)")
        }
        #expect(exists("memory/process_api/x"))
    }

    @Test func coMountedCpuCpuacctIsOneHierarchy() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        try makeHierarchies(["cpu,cpuacct", "memory"])
        try FileManager.default.createSymbolicLink(atPath: root + "/cpu", withDestinationPath: "cpu,cpuacct")
        try FileManager.default.createSymbolicLink(atPath: root + "/cpuacct", withDestinationPath: "cpu,cpuacct")
        let driver = try CgroupV1Driver(mountRoot: root)
        #expect(driver.controllers == ["cpu", "memory"])
        let path = CgroupPath(parent: "/", components: ["berth"])
        try driver.create(path, resources: CgroupResources(cpuShares: 2))
        #expect(get("cpu,cpuacct/berth/cpu.shares") == "2")
        #expect(driver.procsFiles(path).count == 2)
        #expect(throws: CgroupError.controllerUnavailable(controller: "pids", mountRoot: root)) {
            try driver.update(path, resources: CgroupResources(pidsLimit: 5))
        }
        try driver.remove(path)
        #expect(!exists("cpu,cpuacct/berth"))
    }

    @Test func missingMemoryHierarchyFails() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        try makeHierarchies(["cpu"])
        #expect(throws: CgroupError.controllerUnavailable(controller: "memory", mountRoot: root)) {
            _ = try CgroupV1Driver(mountRoot: root)
        }
    }

    @Test func failedCreateLeavesNothing() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        try makeHierarchies(["cpu", "memory"])  // memory parent /nested does not exist
        let driver = try CgroupV1Driver(mountRoot: root)
        let path = CgroupPath(components: ["berth", "x"], parents: ["memory": "/nested"])
        #expect(throws: CgroupError.operationFailed(operation: "find parent cgroup", path: root + "/memory/nested", errno: ENOENT)) {
            try driver.create(path, resources: nil)
        }
        #expect(!exists("cpu/berth"))
    }
}
