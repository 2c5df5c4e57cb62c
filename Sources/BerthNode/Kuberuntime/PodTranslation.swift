import BerthAPI
import BerthRuntime
import Foundation

/// Turns a (defaulted, validated) Pod into what the runtime runs. Pure: no I/O, so each rule
/// is table-tested (as podman keeps YAML-to-spec translation apart from its engine).
public enum PodTranslation {
    public static func plan(for pod: Pod, uid: String, settings: NodeSettings) -> PodPlan {
        let namespace = pod.metadata.namespace ?? "default"
        let name = pod.metadata.name ?? ""
        let spec = pod.spec
        let hostname = spec.hostname ?? String(name.prefix(63))
        let volumes = volumeHostPaths(spec: spec, uid: uid, settings: settings)
        let sandbox = PodSandboxConfig(
            name: name, namespace: namespace, uid: uid, hostname: hostname,
            hostsFile: hostsFile(hostname: hostname, subdomain: spec.subdomain, namespace: namespace),
            resolvConf: settings.resolvConf, labels: pod.metadata.labels ?? [:],
            annotations: pod.metadata.annotations ?? [:],
            resources: podResources(spec: spec, settings: settings),
            shareProcessNamespace: spec.shareProcessNamespace ?? false)
        func planned(_ container: Container, role: ContainerRole) -> PlannedContainer {
            // Init containers that run to completion have no probes (validation forbids them).
            let probes = role == .initContainer ? ContainerProbes() : ProbeTranslation.probes(for: container)
            do {
                let config = try containerConfig(container, pod: pod, hostname: hostname, volumes: volumes.paths, settings: settings)
                return PlannedContainer(name: container.name, role: role, config: config, probes: probes)
            } catch {
                return PlannedContainer(name: container.name, role: role, config: nil, configError: error.message, probes: probes)
            }
        }
        let initContainers = (spec.initContainers ?? []).map {
            planned($0, role: $0.restartPolicy == "Always" ? .sidecar : .initContainer)
        }
        return PodPlan(namespace: namespace, name: name, uid: uid, sandbox: sandbox, initContainers: initContainers,
                       containers: spec.containers.map { planned($0, role: .app) },
                       restartPolicy: RestartPolicy(rawValue: spec.restartPolicy ?? "Always") ?? .always,
                       gracePeriodSeconds: Double(spec.terminationGracePeriodSeconds ?? 30),
                       emptyDirs: volumes.emptyDirs)
    }

    struct ConfigError: Error { var message: String }

    static func containerConfig(_ container: Container, pod: Pod, hostname: String, volumes: [String: String],
                                settings: NodeSettings) throws(ConfigError) -> ContainerConfig {
        let podSecurity = pod.spec.securityContext
        let security = container.securityContext
        let uid = security?.runAsUser ?? podSecurity?.runAsUser ?? 0
        let gid = security?.runAsGroup ?? podSecurity?.runAsGroup ?? 0
        if (security?.runAsNonRoot ?? podSecurity?.runAsNonRoot) == true && uid == 0 {
            throw ConfigError(message: "container has runAsNonRoot and image will run as root (pod: \"\(pod.metadata.name ?? "")\", container: \(container.name))")
        }
        var env: [(String, String)] = [("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),
                                       ("HOSTNAME", hostname)]
        func lookup(_ key: String) -> String? { env.last { $0.0 == key }?.1 }
        for variable in container.env ?? [] {
            let value = Expansion.expand(variable.value ?? "", lookup)
            env.removeAll { $0.0 == variable.name }
            env.append((variable.name, value))
        }
        let argv = ((container.command ?? []) + (container.args ?? [])).map { Expansion.expand($0, lookup) }
        guard !argv.isEmpty else {
            throw ConfigError(message: "container \(container.name): no command specified (images here carry no default command)")
        }
        var mounts: [ContainerMount] = []
        for mount in container.volumeMounts ?? [] {
            guard var hostPath = volumes[mount.name] else {
                throw ConfigError(message: "container \(container.name): volume \"\(mount.name)\" not found")
            }
            if let sub = mount.subPath, !sub.isEmpty { hostPath += "/" + sub }
            mounts.append(ContainerMount(hostPath: hostPath, containerPath: mount.mountPath, readOnly: mount.readOnly ?? false))
        }
        let privileged = security?.privileged ?? false
        let seccompType = security?.seccompProfile?.type ?? podSecurity?.seccompProfile?.type
        let seccomp: SeccompMode = switch seccompType {
        case "Unconfined": .unconfined
        case "RuntimeDefault": .runtimeDefault
        default: settings.defaultSeccomp
        }
        var groups = (podSecurity?.supplementalGroups ?? []).map { UInt32(clamping: $0) }
        if let fsGroup = podSecurity?.fsGroup { groups.append(UInt32(clamping: fsGroup)) }
        return ContainerConfig(
            name: container.name, image: container.image ?? "", argv: argv, env: env.map { "\($0.0)=\($0.1)" },
            workingDir: container.workingDir, mounts: mounts, uid: UInt32(clamping: uid), gid: UInt32(clamping: gid),
            supplementalGroups: groups,
            capabilities: LinuxCapabilities.effectiveSet(add: security?.capabilities?.add ?? [],
                                                         drop: security?.capabilities?.drop ?? [], privileged: privileged),
            privileged: privileged, noNewPrivileges: security?.allowPrivilegeEscalation == false,
            readOnlyRootFilesystem: security?.readOnlyRootFilesystem ?? false, seccomp: seccomp,
            resources: resources(container.resources, pidsLimit: settings.podPidsLimit),
            labels: ["io.kubernetes.container.name": container.name])
    }

    static func resources(_ requirements: ResourceRequirements?, pidsLimit: Int64?) -> CgroupResources {
        CgroupResources.fromKubernetes(cpuRequestMilli: requirements?.requests?["cpu"]?.milliValue,
                                       cpuLimitMilli: requirements?.limits?["cpu"]?.milliValue,
                                       memoryLimitBytes: requirements?.limits?["memory"]?.value,
                                       pidsLimit: pidsLimit)
    }

    /// The pod cgroup carries the sum of the containers' limits when every container has one.
    static func podResources(spec: PodSpec, settings: NodeSettings) -> CgroupResources {
        let limits = spec.containers.map { $0.resources?.limits?["memory"]?.value }
        let memory: Int64? = limits.contains(nil) ? nil : limits.compactMap { $0 }.reduce(0, +)
        return CgroupResources.fromKubernetes(cpuRequestMilli: nil, cpuLimitMilli: nil, memoryLimitBytes: memory,
                                              pidsLimit: settings.podPidsLimit)
    }

    static func volumeHostPaths(spec: PodSpec, uid: String, settings: NodeSettings) -> (paths: [String: String], emptyDirs: [EmptyDirVolume]) {
        var paths: [String: String] = [:]
        var emptyDirs: [EmptyDirVolume] = []
        for volume in spec.volumes ?? [] {
            if let hostPath = volume.hostPath {
                paths[volume.name] = hostPath.path
            } else if let emptyDir = volume.emptyDir {
                let path = settings.paths.volumesDirectory(podUID: uid) + "/" + volume.name
                paths[volume.name] = path
                emptyDirs.append(EmptyDirVolume(name: volume.name, hostPath: path, memoryBacked: emptyDir.medium == "Memory",
                                                sizeLimitBytes: emptyDir.sizeLimit?.value))
            }
        }
        return (paths, emptyDirs)
    }

    /// The kubelet's hosts file. A pod has no IP of its own yet (no CNI here), so its hostname
    /// resolves to 127.0.1.1, which reaches the pod's own loopback.
    static func hostsFile(hostname: String, subdomain: String?, namespace: String) -> String {
        SandboxFiles.hosts(HostsFileInput(podIPs: ["127.0.1.1"], hostname: hostname, subdomain: subdomain, namespace: namespace))
    }
}
