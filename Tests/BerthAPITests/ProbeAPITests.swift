import Foundation
import Testing
@testable import BerthAPI

/// Probes as the API serves them: decoding every handler, Kubernetes' defaults, strictness.
@Suite struct ProbeAPITests {
    static let manifest = """
        apiVersion: v1
        kind: Pod
        metadata: {name: probes}
        spec:
          containers:
          - name: app
            image: busybox
            ports: [{name: http, containerPort: 8080}]
            startupProbe:
              exec: {command: [sh, -c, "test -f /tmp/up"]}
              failureThreshold: 30
              periodSeconds: 0
            livenessProbe:
              httpGet:
                path: /healthz
                port: http
                httpHeaders: [{name: X-Probe, value: "1"}]
              initialDelaySeconds: 5
              terminationGracePeriodSeconds: 2
            readinessProbe:
              tcpSocket: {port: 8080, host: 127.0.0.1}
              successThreshold: 2
              timeoutSeconds: 3
          - name: rpc
            image: busybox
            livenessProbe: {grpc: {port: 9090, service: health}}
        """

    @Test func everyHandlerDecodesAndDefaults() throws {
        let (pods, warnings) = try decodePods(yaml: Self.manifest, strict: true)
        #expect(warnings.isEmpty)
        let pod = try #require(pods.first).withDefaults()
        #expect(pod.validate().isEmpty)
        let app = pod.spec.containers[0]

        let startup = try #require(app.startupProbe)
        #expect(startup.exec?.command == ["sh", "-c", "test -f /tmp/up"])
        #expect(startup.failureThreshold == 30)
        #expect(startup.periodSeconds == 10, "an explicit 0 is Go's unset and gets the default")
        #expect(startup.timeoutSeconds == 1 && startup.successThreshold == 1 && startup.initialDelaySeconds == nil)

        let liveness = try #require(app.livenessProbe)
        #expect(liveness.httpGet?.port == .string("http"))
        #expect(liveness.httpGet?.path == "/healthz" && liveness.httpGet?.scheme == "HTTP")
        #expect(liveness.httpGet?.httpHeaders == [HTTPHeader(name: "X-Probe", value: "1")])
        #expect(liveness.initialDelaySeconds == 5 && liveness.terminationGracePeriodSeconds == 2)
        #expect(liveness.failureThreshold == 3 && liveness.periodSeconds == 10)

        let readiness = try #require(app.readinessProbe)
        #expect(readiness.tcpSocket == TCPSocketAction(port: .int(8080), host: "127.0.0.1"))
        #expect(readiness.successThreshold == 2 && readiness.timeoutSeconds == 3)

        #expect(pod.spec.containers[1].livenessProbe?.grpc == GRPCAction(port: 9090, service: "health"))
    }

    @Test func aProbeRoundTripsThroughJSON() throws {
        let pod = try #require(try decodePods(yaml: Self.manifest, strict: true).pods.first).withDefaults()
        let json = String(decoding: encodeJSON(pod), as: UTF8.self)
        let again = try #require(try decodePods(yaml: json, strict: true).pods.first)
        #expect(again.spec.containers == pod.spec.containers)
    }

    @Test func anUnknownProbeFieldIsRefusedWithItsPath() {
        let yaml = Self.manifest.replacingOccurrences(of: "successThreshold: 2", with: "sucessThreshold: 2")
        #expect {
            _ = try decodePods(yaml: yaml, strict: true)
        } throws: { error in
            (error as? ManifestError)?.message == #"unknown field "spec.containers[0].readinessProbe.sucessThreshold""#
        }
    }

    @Test func anHTTPSProbeIsValidForTheAPI() throws {
        // Kubernetes accepts HTTPS; a node that cannot run it says so in its events.
        let yaml = Self.manifest.replacingOccurrences(of: "path: /healthz", with: "path: /healthz\n        scheme: HTTPS")
        let pod = try #require(try decodePods(yaml: yaml, strict: true).pods.first).withDefaults()
        #expect(pod.validate().isEmpty)
        #expect(pod.spec.containers[0].livenessProbe?.httpGet?.scheme == "HTTPS")
    }
}
