import Foundation
import Testing

@testable import BerthRuntime

@Suite struct CgroupResourcesTests {
    struct KubeCase: Sendable, CustomTestStringConvertible {
        var request: Int64?
        var limit: Int64?
        var shares: Int64?
        var quota: Int64?
        var testDescription: String { "request \(request.map(String.init) ?? "-") limit \(limit.map(String.init) ?? "-")" }
    }

    @Test(arguments: [
        KubeCase(request: nil, limit: nil, shares: 2, quota: nil),  // BestEffort
        KubeCase(request: 0, limit: nil, shares: 2, quota: nil),
        KubeCase(request: 1, limit: nil, shares: 2, quota: nil),  // 1*1024/1000 = 1 → min 2
        KubeCase(request: 100, limit: nil, shares: 102, quota: nil),
        KubeCase(request: 250, limit: 500, shares: 256, quota: 50_000),
        KubeCase(request: nil, limit: 500, shares: 512, quota: 50_000),  // request defaults to limit
        KubeCase(request: 1000, limit: 1000, shares: 1024, quota: 100_000),
        KubeCase(request: 5, limit: 5, shares: 5, quota: 1000),  // quota minimum 1000 µs
        KubeCase(request: 1_000_000, limit: nil, shares: 262_144, quota: nil),  // max shares
    ])
    func fromKubernetes(_ c: KubeCase) {
        let r = CgroupResources.fromKubernetes(cpuRequestMilli: c.request, cpuLimitMilli: c.limit,
                                               memoryLimitBytes: 64 << 20, pidsLimit: 0)
        #expect(r.cpuShares == c.shares)
        #expect(r.cpuQuotaMicros == c.quota)
        #expect(r.cpuPeriodMicros == 100_000)
        #expect(r.memoryLimitBytes == 64 << 20)
        #expect(r.pidsLimit == nil)
    }

    @Test(arguments: [(Int64(2), Int64(1)), (1024, 39), (262_144, 10_000), (512, 20), (1, 1)])
    func weight(shares: Int64, weight: Int64) {
        #expect(CgroupResources.weight(fromShares: shares) == weight)
    }

    @Test func v2Values() {
        let limited = CgroupResources(memoryLimitBytes: 33_554_432, cpuQuotaMicros: 50_000, cpuShares: 1024, pidsLimit: 64)
        #expect(limited.cpuMax == "50000 100000")
        #expect(limited.memoryMax == "33554432")
        #expect(limited.pidsMax == "64")
        #expect(limited.cpuWeight == 39)
        let open = CgroupResources()
        #expect(open.cpuMax == "max 100000")
        #expect(open.memoryMax == "max")
        #expect(open.pidsMax == "max")
        #expect(open.cpuWeight == 100)
    }

    @Test func parseProcSelfCgroup() {
        let text = """
            9:name=systemd:/
            4:memory:/process_api/8d64
            2:cpu,cpuacct:/a/b/
            0::/user.slice/x.scope
            """
        let parsed = Cgroups.parseProcCgroup(text)
        #expect(parsed["memory"] == "/process_api/8d64")
        #expect(parsed["cpu"] == "/a/b")
        #expect(parsed["cpuacct"] == "/a/b")
        #expect(parsed["name=systemd"] == "/")
        #expect(parsed[""] == "/user.slice/x.scope")
        #expect(parsed["pids"] == nil)
    }

    @Test func ownCgroupParentReadsProcSelf() throws {
        let own = Cgroups.ownCgroups()
        let text = try String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8)
        #expect(own == Cgroups.parseProcCgroup(text))
        #expect(Cgroups.ownCgroupParent(controller: "no-such-controller") == "/")
    }

    @Test func pathsPerController() {
        let path = CgroupPath(components: ["berth", "pod1", "app-0"], parents: ["memory": "/process_api/x/", "cpu": "/"])
        #expect(path.relativePath(for: "memory") == "/process_api/x/berth/pod1/app-0")
        #expect(path.relativePath(for: "cpu") == "/berth/pod1/app-0")
        #expect(path.relativePath(for: "pids") == "/berth/pod1/app-0")  // default parent
        #expect(path.withComponents(["berth"]).relativePath(for: "memory") == "/process_api/x/berth")
        #expect(path.deletingLastComponent?.components == ["berth", "pod1"])
        #expect(CgroupPath(parent: "", components: ["x"]).appending("y").relativePath(for: "") == "/x/y")
    }

    @Test(arguments: [[], [""], [".."], ["a/b"], ["ok", "."]])
    func invalidComponents(_ components: [String]) {
        #expect(throws: CgroupError.self) { try CgroupPath(parent: "/", components: components).validate() }
    }

    @Test func layoutDetectionWithFakeProbe() {
        func detect(_ types: [String: String]) -> CgroupLayout {
            Cgroups.detect(root: "/fake", filesystemType: { types[$0] })
        }
        #expect(detect(["/fake": "cgroup2"]) == .unified)
        #expect(detect(["/fake": "tmpfs", "/fake/unified": "cgroup2"]) == .hybrid)
        #expect(detect(["/fake": "tmpfs", "/fake/systemd": "cgroup"]) == .legacy)
        #expect(detect(["/fake": "tmpfs", "/fake/unified": "tmpfs"]) == .legacy)
        #expect(detect([:]) == .legacy)
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/sys/fs/cgroup/unified/cgroup.controllers")
                   && FileManager.default.fileExists(atPath: "/sys/fs/cgroup/memory/memory.limit_in_bytes")))
    func layoutOnThisMachineIsHybrid() throws {
        #expect(Cgroups.detect() == .hybrid)
        #expect(Cgroups.filesystemType(of: "/sys/fs/cgroup") == "tmpfs")
        #expect(Cgroups.filesystemType(of: "/sys/fs/cgroup/unified") == "cgroup2")
        #expect(Cgroups.filesystemType(of: "/sys/fs/cgroup/memory") == "cgroup")
        let driver = try Cgroups.defaultDriver()
        #expect(driver.layout == .hybrid)
        #expect(driver is CgroupV1Driver)
    }

    @Test func errorsReadAsSentences() {
        let error = CgroupError.operationFailed(operation: "mkdir", path: "/sys/fs/cgroup/cpu/x", errno: EACCES)
        #expect(error.description == "cgroup mkdir failed for /sys/fs/cgroup/cpu/x: Permission denied (errno 13)")
        #expect(error.errno == EACCES)
    }
}
