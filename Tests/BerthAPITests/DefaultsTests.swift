import Testing
@testable import BerthAPI

@Suite struct DefaultsTests {
    static func pod(_ containers: [Container], volumes: [Volume]? = nil) -> Pod {
        Pod(metadata: ObjectMeta(name: "p"), spec: PodSpec(volumes: volumes, containers: containers))
    }

    @Test func fillsPodLevelDefaults() {
        let pod = Self.pod([Container(name: "a", image: "busybox")]).withDefaults()
        #expect(pod.metadata.namespace == "default")
        #expect(pod.spec.restartPolicy == "Always")
        #expect(pod.spec.terminationGracePeriodSeconds == 30)
        #expect(pod.spec.dnsPolicy == "ClusterFirst")
        #expect(pod.spec.schedulerName == "default-scheduler")
        #expect(pod.spec.securityContext == PodSecurityContext())
        #expect(pod.spec.enableServiceLinks == true)
        let c = pod.spec.containers[0]
        #expect(c.terminationMessagePath == "/dev/termination-log")
        #expect(c.terminationMessagePolicy == "File")
    }

    @Test func keepsWhatIsSet() {
        var pod = Self.pod([Container(name: "a", image: "busybox", terminationMessagePolicy: "FallbackToLogsOnError", imagePullPolicy: "Never")])
        pod.metadata.namespace = "shop"
        pod.spec.restartPolicy = "Never"
        pod.spec.terminationGracePeriodSeconds = 0
        let d = pod.withDefaults()
        #expect(d.metadata.namespace == "shop")
        #expect(d.spec.restartPolicy == "Never")
        #expect(d.spec.terminationGracePeriodSeconds == 0)
        #expect(d.spec.containers[0].imagePullPolicy == "Never")
        #expect(d.spec.containers[0].terminationMessagePolicy == "FallbackToLogsOnError")
        #expect(d.withDefaults() == d)
    }

    @Test(arguments: [
        ("busybox", "Always"), ("busybox:latest", "Always"), ("busybox:1.36", "IfNotPresent"),
        ("registry:5000/team/app", "Always"), ("registry:5000/team/app:v2", "IfNotPresent"),
        ("busybox@sha256:abcd", "IfNotPresent"), ("docker.io/library/nginx:latest", "Always"),
    ])
    func imagePullPolicy(_ image: String, _ expected: String) {
        #expect(Container.defaultPullPolicy(forImage: image) == expected)
        let pod = Self.pod([Container(name: "a", image: image)]).withDefaults()
        #expect(pod.spec.containers[0].imagePullPolicy == expected)
    }

    @Test func probeAndPortDefaults() throws {
        let container = Container(
            name: "a", image: "x:1",
            ports: [ContainerPort(containerPort: 80), ContainerPort(containerPort: 53, protocol: "UDP")],
            livenessProbe: Probe(httpGet: HTTPGetAction(port: .int(80))),
            readinessProbe: Probe(exec: ExecAction(command: ["true"]), periodSeconds: 2))
        let c = Self.pod([container]).withDefaults().spec.containers[0]
        #expect(c.ports?.map(\.protocol) == ["TCP", "UDP"])
        let live = try #require(c.livenessProbe)
        #expect(live.timeoutSeconds == 1 && live.periodSeconds == 10 && live.successThreshold == 1 && live.failureThreshold == 3)
        #expect(live.httpGet?.path == "/" && live.httpGet?.scheme == "HTTP")
        #expect(live.initialDelaySeconds == nil)
        #expect(c.readinessProbe?.periodSeconds == 2)
    }

    @Test func requestsDefaultToLimits() throws {
        let container = Container(name: "a", image: "x:1", resources: ResourceRequirements(
            limits: ["cpu": try Quantity("1"), "memory": try Quantity("1Gi")],
            requests: ["cpu": try Quantity("250m")]))
        let sidecar = Container(name: "s", image: "x:1", resources: ResourceRequirements(limits: ["memory": try Quantity("64Mi")]),
                                restartPolicy: "Always")
        var pod = Self.pod([container])
        pod.spec.initContainers = [sidecar]
        let d = pod.withDefaults()
        #expect(d.spec.containers[0].resources?.requests?["cpu"]?.string == "250m")
        #expect(d.spec.containers[0].resources?.requests?["memory"]?.string == "1Gi")
        #expect(d.spec.initContainers?[0].resources?.requests?["memory"]?.string == "64Mi")
    }

    @Test func volumeDefaults() {
        let volumes = [
            Volume(name: "e", emptyDir: EmptyDirVolumeSource()),
            Volume(name: "c", configMap: .object(["name": .string("cfg")])),
            Volume(name: "h", hostPath: HostPathVolumeSource(path: "/srv")),
        ]
        let d = Self.pod([Container(name: "a", image: "x:1")], volumes: volumes).withDefaults()
        #expect(d.spec.volumes?[0].emptyDir == EmptyDirVolumeSource())
        #expect(d.spec.volumes?[1].configMap?["defaultMode"] == .int(420))
        #expect(d.spec.volumes?[2].hostPath?.type == "")
    }

    @Test func hostNetworkCopiesContainerPortToHostPort() {
        var pod = Self.pod([Container(name: "a", image: "x:1", ports: [ContainerPort(containerPort: 8080)])])
        pod.spec.hostNetwork = true
        #expect(pod.withDefaults().spec.containers[0].ports?[0].hostPort == 8080)
    }
}
