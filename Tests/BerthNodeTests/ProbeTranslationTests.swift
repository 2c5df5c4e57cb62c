import BerthAPI
import Testing

@testable import BerthNode

/// Kubernetes probes → what the node runs: timings, ports by name, hosts, expansion, and what
/// this node cannot run.
@Suite struct ProbeTranslationTests {
    static let container = Container(
        name: "app", image: "busybox",
        ports: [ContainerPort(name: "http", containerPort: 8080), ContainerPort(name: "metrics", containerPort: 9090)],
        env: [EnvVar(name: "FILE", value: "/tmp/healthy"), EnvVar(name: "FROM_FIELD", valueFrom: .object([:]))])

    func action(_ probe: Probe) -> ProbeAction {
        ProbeTranslation.spec(probe, container: Self.container).action
    }

    @Test func timingsWithKubernetesDefaults() {
        let spec = ProbeTranslation.spec(Probe(exec: ExecAction(command: ["true"])), container: Self.container)
        #expect(spec == ProbeSpec(action: .exec(command: ["true"]), initialDelay: .zero, timeout: .seconds(1),
                                  period: .seconds(10), successThreshold: 1, failureThreshold: 3))
        let custom = ProbeTranslation.spec(Probe(exec: ExecAction(command: ["true"]), initialDelaySeconds: 5, timeoutSeconds: 2,
                                                 periodSeconds: 1, successThreshold: 2, failureThreshold: 7,
                                                 terminationGracePeriodSeconds: 4), container: Self.container)
        #expect(custom.initialDelay == .seconds(5) && custom.timeout == .seconds(2) && custom.period == .seconds(1))
        #expect(custom.successThreshold == 2 && custom.failureThreshold == 7 && custom.terminationGracePeriodSeconds == 4)
    }

    struct ActionCase: Sendable, CustomTestStringConvertible {
        var name: String
        var probe: Probe
        var expected: ProbeAction
        var testDescription: String { name }
    }

    @Test(arguments: [
        ActionCase(name: "exec expands plain env", probe: Probe(exec: ExecAction(command: ["test", "-f", "$(FILE)", "$(FROM_FIELD)", "$$(FILE)"])),
                   expected: .exec(command: ["test", "-f", "/tmp/healthy", "$(FROM_FIELD)", "$(FILE)"])),
        ActionCase(name: "httpGet by name", probe: Probe(httpGet: HTTPGetAction(path: "/healthz", port: .string("http"),
                                                                                  httpHeaders: [HTTPHeader(name: "X-A", value: "1")])),
                   expected: .httpGet(HTTPProbeRequest(host: "127.0.0.1", port: 8080, path: "/healthz", headers: [("X-A", "1")]))),
        ActionCase(name: "httpGet path gets its slash", probe: Probe(httpGet: HTTPGetAction(path: "ready", port: .int(80), host: "10.1.2.3")),
                   expected: .httpGet(HTTPProbeRequest(host: "10.1.2.3", port: 80, path: "/ready"))),
        ActionCase(name: "a number written as a string", probe: Probe(tcpSocket: TCPSocketAction(port: .string("9000"))),
                   expected: .tcpSocket(host: "127.0.0.1", port: 9000)),
        ActionCase(name: "tcpSocket by name on localhost", probe: Probe(tcpSocket: TCPSocketAction(port: .string("metrics"), host: "localhost")),
                   expected: .tcpSocket(host: "127.0.0.1", port: 9090)),
        ActionCase(name: "IPv6 host", probe: Probe(tcpSocket: TCPSocketAction(port: .int(80), host: "[::1]")),
                   expected: .tcpSocket(host: "::1", port: 80)),
        ActionCase(name: "unknown port name", probe: Probe(tcpSocket: TCPSocketAction(port: .string("grpc"))),
                   expected: .unsupported("port \"grpc\" not found in the ports of container app")),
        ActionCase(name: "host name", probe: Probe(httpGet: HTTPGetAction(port: .int(80), host: "example.com")),
                   expected: .unsupported("host \"example.com\": probes on this node take an IP address, not a name")),
        ActionCase(name: "HTTPS", probe: Probe(httpGet: HTTPGetAction(port: .int(443), scheme: "HTTPS")),
                   expected: .unsupported("HTTPS probes are not supported on this node (only HTTP)")),
        ActionCase(name: "gRPC", probe: Probe(grpc: GRPCAction(port: 9000)),
                   expected: .unsupported("gRPC probes are not supported on this node")),
    ])
    func actions(_ c: ActionCase) {
        #expect(action(c.probe) == c.expected)
    }

    @Test func thePlanCarriesProbesExceptForInitContainers() {
        var app = Self.container
        app.command = ["sleep", "1"]
        app.readinessProbe = Probe(exec: ExecAction(command: ["true"]))
        var sidecar = app
        sidecar.name = "side"
        sidecar.restartPolicy = "Always"
        sidecar.startupProbe = Probe(tcpSocket: TCPSocketAction(port: .int(80)))
        var initContainer = app
        initContainer.name = "init"
        let pod = Pod(metadata: ObjectMeta(name: "p", namespace: "default"),
                      spec: PodSpec(initContainers: [initContainer, sidecar], containers: [app]))
        let plan = PodTranslation.plan(for: pod, uid: "u1", settings: NodeSettings(paths: .init(root: "/tmp/x")))
        #expect(plan.containers[0].probes.readiness?.action == .exec(command: ["true"]))
        #expect(plan.initContainers[0].probes.isEmpty)
        #expect(plan.initContainers[1].probes.startup?.action == .tcpSocket(host: "127.0.0.1", port: 80))
    }

    @Test func whatBerthRunRefusesUpFront() {
        var c = Self.container
        c.livenessProbe = Probe(grpc: GRPCAction(port: 9000))
        c.readinessProbe = Probe(httpGet: HTTPGetAction(port: .string("nope"), host: "db", scheme: "HTTPS"))
        c.startupProbe = Probe(exec: ExecAction(command: ["true"]))
        #expect(ProbeTranslation.unsupportedErrors(c, path: "spec.containers[0]") == [
            "spec.containers[0].livenessProbe.grpc: Forbidden: gRPC probes are not supported on this node",
            #"spec.containers[0].readinessProbe.httpGet.scheme: Unsupported value: "HTTPS": supported values: "HTTP""#,
            #"spec.containers[0].readinessProbe.httpGet.host: Invalid value: "db": host "db": probes on this node take an IP address, not a name"#,
            #"spec.containers[0].readinessProbe.httpGet.port: Invalid value: "nope": port "nope" not found in the ports of container app"#,
        ])
    }
}
