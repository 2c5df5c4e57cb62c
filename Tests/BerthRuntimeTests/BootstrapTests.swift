import Foundation
import Testing

@testable import BerthRuntime

/// The bootstrap records for the shared PID namespace (shareProcessNamespace): containers
/// join the pinned namespace, the pause process creates and pins it.
@Suite struct BootstrapTests {
    static let paths = ContainerPaths(stateDirectory: "/run/berth/sb/containers/c1", rootfs: "/run/berth/sb/containers/c1/rootfs",
                                      imageRootfs: "/images/busybox", upperDirectory: "/run/berth/sb/containers/c1/upper",
                                      workDirectory: "/run/berth/sb/containers/c1/work", logPath: "/logs/app/0.log",
                                      sandboxDirectory: "/run/berth/sb")
    static let config = ContainerConfig(name: "app", image: "busybox", argv: ["sleep", "1"])

    static func containerBootstrap(sharesPID: Bool) -> Bootstrap {
        Bootstrap.forContainer(id: "c1", config: config, paths: paths,
                               namespaces: SandboxNamespaces(pinDirectory: "/run/berth/sb/ns", sharesPID: sharesPID),
                               cgroupProcs: [], oomFile: nil)
    }

    static func values(_ bootstrap: Bootstrap, _ key: String) -> [[String]] {
        bootstrap.records.filter { $0.first == key }.map { Array($0.dropFirst()) }
    }

    @Test func sharedPIDNamespaceAddsThePinnedPidnsRecord() {
        let b = Self.containerBootstrap(sharesPID: true)
        #expect(Self.values(b, "pidns") == [["/run/berth/sb/ns/pid"]])
        #expect(b.encoded.contains("\npidns\t/run/berth/sb/ns/pid\n"))
        // The other pod namespaces are joined as before, and before the root is built.
        #expect(Self.values(b, "netns") == [["/run/berth/sb/ns/net"]])
        let keys = b.records.map { $0[0] }
        if let pidns = keys.firstIndex(of: "pidns"), let rootfs = keys.firstIndex(of: "rootfs") {
            #expect(pidns < rootfs)
        }
    }

    @Test func ownPIDNamespaceHasNoPidnsRecord() {
        let b = Self.containerBootstrap(sharesPID: false)
        #expect(Self.values(b, "pidns").isEmpty)
        #expect(SandboxNamespaces(pinDirectory: "/x/ns").pid == nil)
    }

    @Test func pauseBootstrapPinsThePIDNamespaceInTheSandbox() {
        let b = Bootstrap.forPause(id: "sb", stateDirectory: "/run/berth/sb/pause",
                                   namespaces: SandboxNamespaces(pinDirectory: "/run/berth/sb/ns"),
                                   pinDirectory: "/run/berth/sb/ns")
        #expect(b.records == [["version", "1"], ["id", "sb"], ["statedir", "/run/berth/sb/pause"],
                              ["netns", "/run/berth/sb/ns/net"], ["ipcns", "/run/berth/sb/ns/ipc"],
                              ["utsns", "/run/berth/sb/ns/uts"], ["pindir", "/run/berth/sb/ns"]])
        // What the pause shim pins is what the containers join.
        #expect(SandboxNamespaces(pinDirectory: "/run/berth/sb/ns", sharesPID: true).pid == "/run/berth/sb/ns/pid")
    }

    @Test func oldSandboxRecordsDecodeAsNotSharingPIDs() throws {
        let config = PodSandboxConfig(name: "p", namespace: "default", uid: "u1", hostname: "p",
                                      hostsFile: "", resolvConf: "", shareProcessNamespace: true)
        let data = try JSONEncoder().encode(config)
        #expect(try JSONDecoder().decode(PodSandboxConfig.self, from: data) == config)
        var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        object.removeValue(forKey: "shareProcessNamespace")
        let old = try JSONSerialization.data(withJSONObject: object)
        #expect(try JSONDecoder().decode(PodSandboxConfig.self, from: old).shareProcessNamespace == false)
    }
}
