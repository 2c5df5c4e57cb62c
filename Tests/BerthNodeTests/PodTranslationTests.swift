import BerthAPI
import BerthRuntime
import Testing

@testable import BerthNode

/// Pod → runtime config: a pure function, table-tested (as podman's play_test.go).
@Suite struct PodTranslationTests {
    static let settings = NodeSettings(paths: BerthPaths(root: "/tmp/berth-test"))

    static func pod(_ containers: [Container], initContainers: [Container]? = nil, security: PodSecurityContext? = nil,
                    volumes: [Volume]? = nil, hostname: String? = nil) -> Pod {
        Pod(metadata: ObjectMeta(name: "web", namespace: "prod"),
            spec: PodSpec(volumes: volumes, initContainers: initContainers, containers: containers, restartPolicy: "OnFailure",
                          terminationGracePeriodSeconds: 9, securityContext: security, hostname: hostname))
    }

    static func container(_ name: String = "app", command: [String]? = ["sh"], args: [String]? = nil, env: [EnvVar]? = nil,
                          security: SecurityContext? = nil, mounts: [VolumeMount]? = nil,
                          resources: ResourceRequirements? = nil) -> Container {
        Container(name: name, image: "busybox", command: command, args: args, env: env, resources: resources,
                  volumeMounts: mounts, securityContext: security)
    }

    /// The one app container's config, or its config error.
    static func translate(_ pod: Pod, settings: NodeSettings = settings) -> (config: ContainerConfig?, error: String?) {
        let plan = PodTranslation.plan(for: pod, uid: "uid-7", settings: settings)
        return (plan.containers[0].config, plan.containers[0].configError)
    }

    @Test func planCarriesIdentityRolesPolicyAndGrace() {
        let initContainers = [Self.container("setup"), Container(name: "proxy", image: "busybox", command: ["sh"], restartPolicy: "Always")]
        let plan = PodTranslation.plan(for: Self.pod([Self.container()], initContainers: initContainers), uid: "uid-7",
                                       settings: Self.settings)
        #expect(plan.key == "prod/web")
        #expect(plan.uid == "uid-7")
        #expect(plan.initContainers.map(\.role) == [.initContainer, .sidecar])
        #expect(plan.containers.map(\.role) == [.app])
        #expect(plan.restartPolicy == .onFailure)
        #expect(plan.gracePeriodSeconds == 9)
        #expect(plan.sandbox.hostname == "web")
        #expect(plan.sandbox.hostsFile.hasSuffix("127.0.1.1\tweb\n"))
        #expect(plan.containers[0].config?.labels["io.kubernetes.container.name"] == "app")
    }

    @Test(arguments: [
        (["sh", "-c"], ["echo $(GREETING) $$(GREETING) $(MISSING)"], ["sh", "-c", "echo hi $(GREETING) $(MISSING)"]),
        (nil, ["sleep", "$(SECONDS)"], ["sleep", "30"]),
        (["$(GREETING)"], nil, ["hi"]),
        (["echo"], ["$(HOSTNAME)"], ["echo", "web"]),
    ] as [([String]?, [String]?, [String])])
    func argvIsCommandThenArgsExpanded(command: [String]?, args: [String]?, expected: [String]) {
        let env = [EnvVar(name: "GREETING", value: "hi"), EnvVar(name: "SECONDS", value: "30")]
        #expect(Self.translate(Self.pod([Self.container(command: command, args: args, env: env)])).config?.argv == expected)
    }

    @Test func noCommandIsAConfigError() {
        let result = Self.translate(Self.pod([Self.container(command: nil)]))
        #expect(result.config == nil)
        #expect(result.error?.contains("no command specified") == true)
    }

    @Test func envStartsWithPathAndHostnameThenFollowsTheSpecInOrder() {
        let env = [EnvVar(name: "A", value: "1"), EnvVar(name: "B", value: "$(A)-$(C)"), EnvVar(name: "C", value: "3"),
                   EnvVar(name: "PATH", value: "/opt/bin:$(PATH)"), EnvVar(name: "EMPTY")]
        let config = Self.translate(Self.pod([Self.container(env: env)], hostname: "custom")).config
        #expect(config?.env == [
            "HOSTNAME=custom", "A=1", "B=1-$(C)", "C=3",
            "PATH=/opt/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "EMPTY=",
        ])
    }

    @Test func defaultEnvHasPathThenHostname() {
        #expect(Self.translate(Self.pod([Self.container()])).config?.env == [
            "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOSTNAME=web",
        ])
    }

    @Test func volumeMountsResolveEmptyDirAndHostPathWithSubPath() throws {
        let volumes = [Volume(name: "scratch", emptyDir: EmptyDirVolumeSource()),
                       Volume(name: "cache", emptyDir: EmptyDirVolumeSource(medium: "Memory", sizeLimit: try Quantity("64Mi"))),
                       Volume(name: "host", hostPath: HostPathVolumeSource(path: "/srv/data"))]
        let mounts = [VolumeMount(name: "scratch", mountPath: "/scratch"),
                      VolumeMount(name: "host", readOnly: true, mountPath: "/data", subPath: "sub/dir"),
                      VolumeMount(name: "cache", mountPath: "/cache", subPath: "")]
        let plan = PodTranslation.plan(for: Self.pod([Self.container(mounts: mounts)], volumes: volumes), uid: "uid-7",
                                       settings: Self.settings)
        let volumesDir = "/tmp/berth-test/lib/pods/uid-7/volumes"
        #expect(plan.containers[0].config?.mounts == [
            ContainerMount(hostPath: volumesDir + "/scratch", containerPath: "/scratch", readOnly: false),
            ContainerMount(hostPath: "/srv/data/sub/dir", containerPath: "/data", readOnly: true),
            ContainerMount(hostPath: volumesDir + "/cache", containerPath: "/cache", readOnly: false),
        ])
        #expect(plan.emptyDirs == [
            EmptyDirVolume(name: "scratch", hostPath: volumesDir + "/scratch", memoryBacked: false, sizeLimitBytes: nil),
            EmptyDirVolume(name: "cache", hostPath: volumesDir + "/cache", memoryBacked: true, sizeLimitBytes: 64 << 20),
        ])
    }

    @Test func mountOfAnUndeclaredVolumeIsAConfigError() {
        let result = Self.translate(Self.pod([Self.container(mounts: [VolumeMount(name: "ghost", mountPath: "/g")])]))
        #expect(result.config == nil)
        #expect(result.error?.contains("volume \"ghost\" not found") == true)
    }

    @Test(arguments: [
        (Int64?.none, Int64?.none, Int64?.none, Int64?.none, UInt32(0), UInt32(0)),
        (1000, 2000, nil, nil, 1000, 2000),
        (nil, nil, 3000, 4000, 3000, 4000),
        (1000, 2000, 3000, nil, 3000, 2000),
        (1000, 2000, nil, 5, 1000, 5),
    ])
    func runAsUserAndGroupContainerOverPod(podUser: Int64?, podGroup: Int64?, user: Int64?, group: Int64?,
                                           uid: UInt32, gid: UInt32) {
        let pod = Self.pod([Self.container(security: SecurityContext(runAsUser: user, runAsGroup: group))],
                           security: PodSecurityContext(runAsUser: podUser, runAsGroup: podGroup))
        let config = Self.translate(pod).config
        #expect(config?.uid == uid)
        #expect(config?.gid == gid)
    }

    @Test(arguments: [
        (Bool?.some(true), Bool?.none, Int64?.none, false),
        (nil, true, nil, false),
        (true, nil, 1000, true),
        (nil, true, 0, false),
        (true, false, nil, true),  // the container's false overrides the pod's true
        (false, nil, nil, true),
    ])
    func runAsNonRootRefusesUIDZero(podNonRoot: Bool?, nonRoot: Bool?, user: Int64?, ok: Bool) {
        let pod = Self.pod([Self.container(security: SecurityContext(runAsUser: user, runAsNonRoot: nonRoot))],
                           security: PodSecurityContext(runAsNonRoot: podNonRoot))
        let result = Self.translate(pod)
        #expect((result.config != nil) == ok)
        #expect(result.error?.contains("runAsNonRoot") ?? ok)
    }

    @Test func supplementalGroupsThenFSGroup() {
        let pod = Self.pod([Self.container()], security: PodSecurityContext(supplementalGroups: [10, 20], fsGroup: 30))
        #expect(Self.translate(pod).config?.supplementalGroups == [10, 20, 30])
    }

    @Test(arguments: [
        (Capabilities?.none, Bool?.none, LinuxCapabilities.defaultSet),
        (Capabilities(add: ["NET_ADMIN"]), nil, LinuxCapabilities.defaultSet + ["NET_ADMIN"]),
        (Capabilities(add: ["CAP_SYS_TIME"], drop: ["ALL"]), nil, ["SYS_TIME"]),
        (Capabilities(drop: ["NET_RAW", "cap_kill"]), nil, LinuxCapabilities.defaultSet.filter { $0 != "NET_RAW" && $0 != "KILL" }),
        (Capabilities(drop: ["ALL"]), true, LinuxCapabilities.all.sorted { $0.value < $1.value }.map(\.key)),
    ])
    func capabilities(_ capabilities: Capabilities?, privileged: Bool?, expected: [String]) {
        let config = Self.translate(Self.pod([Self.container(security: SecurityContext(capabilities: capabilities,
                                                                                       privileged: privileged))])).config
        #expect(config?.capabilities == expected)
        #expect(config?.privileged == (privileged ?? false))
    }

    @Test(arguments: [(Bool?.none, false), (true, false), (false, true)])
    func allowPrivilegeEscalationFalseSetsNoNewPrivileges(allow: Bool?, noNewPrivileges: Bool) {
        let config = Self.translate(Self.pod([Self.container(security: SecurityContext(allowPrivilegeEscalation: allow))])).config
        #expect(config?.noNewPrivileges == noNewPrivileges)
    }

    @Test func readOnlyRootFilesystemAndWorkingDirPassThrough() {
        var container = Self.container(security: SecurityContext(readOnlyRootFilesystem: true))
        container.workingDir = "/work"
        let config = Self.translate(Self.pod([container])).config
        #expect(config?.readOnlyRootFilesystem == true)
        #expect(config?.workingDir == "/work")
    }

    @Test(arguments: [
        (String?.none, String?.none, SeccompMode.runtimeDefault, SeccompMode.runtimeDefault),
        (nil, nil, .unconfined, .unconfined),
        ("Unconfined", nil, .runtimeDefault, .unconfined),
        ("Unconfined", "RuntimeDefault", .runtimeDefault, .runtimeDefault),
        ("RuntimeDefault", "Unconfined", .runtimeDefault, .unconfined),
        (nil, "Localhost", .runtimeDefault, .runtimeDefault),
    ])
    func seccompContainerOverPodOverNodeDefault(pod: String?, container: String?, nodeDefault: SeccompMode, expected: SeccompMode) {
        var settings = Self.settings
        settings.defaultSeccomp = nodeDefault
        let p = Self.pod([Self.container(security: SecurityContext(seccompProfile: container.map { SeccompProfile(type: $0) }))],
                         security: PodSecurityContext(seccompProfile: pod.map { SeccompProfile(type: $0) }))
        #expect(Self.translate(p, settings: settings).config?.seccomp == expected)
    }

    @Test func resourcesBecomeCgroupLimits() throws {
        let resources = ResourceRequirements(limits: ["cpu": try Quantity("500m"), "memory": try Quantity("64Mi")],
                                             requests: ["cpu": try Quantity("250m")])
        let config = Self.translate(Self.pod([Self.container(resources: resources)])).config
        #expect(config?.resources == CgroupResources(memoryLimitBytes: 64 << 20, cpuQuotaMicros: 50_000, cpuShares: 256,
                                                     pidsLimit: 4096))
    }

    @Test func bestEffortGetsMinimumSharesAndThePidsLimit() {
        #expect(Self.translate(Self.pod([Self.container()])).config?.resources == CgroupResources(cpuShares: 2, pidsLimit: 4096))
    }

    @Test(arguments: [(["32Mi", "64Mi"], Int64?.some(96 << 20)), (["32Mi", nil], nil)] as [([String?], Int64?)])
    func podMemoryLimitIsTheSumWhenEveryContainerHasOne(limits: [String?], expected: Int64?) throws {
        let containers = try limits.enumerated().map { index, limit in
            Self.container("c\(index)", resources: ResourceRequirements(limits: try limit.map { ["memory": try Quantity($0)] }))
        }
        let plan = PodTranslation.plan(for: Self.pod(containers), uid: "uid-7", settings: Self.settings)
        #expect(plan.sandbox.resources?.memoryLimitBytes == expected)
        #expect(plan.sandbox.resources?.pidsLimit == 4096)
    }

    @Test func hostsFileNamesTheSubdomainFQDN() {
        let text = PodTranslation.hostsFile(hostname: "web-0", subdomain: "web", namespace: "prod")
        #expect(text.contains("127.0.0.1\tlocalhost\n"))
        #expect(text.hasSuffix("127.0.1.1\tweb-0.web.prod.svc.cluster.local\tweb-0\n"))
    }
}
