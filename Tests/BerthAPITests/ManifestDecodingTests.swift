import Foundation
import Testing
@testable import BerthAPI

@Suite struct ManifestDecodingTests {
    static let sidecarManifest = """
        # A web pod with a native sidecar, then a second plain pod.
        apiVersion: v1
        kind: Pod
        metadata:
          name: web
          namespace: shop
          labels:
            app: web
            app.kubernetes.io/part-of: shop
          annotations:
            example.com/owner: "team-a"
        spec:
          restartPolicy: OnFailure
          terminationGracePeriodSeconds: 5
          initContainers:
          - name: migrate
            image: busybox:1.36
            command: ["sh", "-c", "echo migrating"]
          - name: log-shipper
            image: busybox:1.36
            restartPolicy: Always
            args: [tail, -F, /logs/app.log]
            volumeMounts:
            - {name: logs, mountPath: /logs, readOnly: true}
          containers:
          - name: app
            image: nginx:1.25
            ports:
            - name: http
              containerPort: 80
            env:
            - name: MODE
              value: "production"
            - name: POD_NAME
              valueFrom:
                fieldRef: {fieldPath: metadata.name}
            resources:
              requests: {cpu: 100m, memory: 64Mi}
              limits: {cpu: "1", memory: 128Mi}
            readinessProbe:
              httpGet: {path: /healthz, port: http}
              periodSeconds: 5
            livenessProbe:
              tcpSocket: {port: 80}
            securityContext:
              allowPrivilegeEscalation: false
              capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}
              seccompProfile: {type: RuntimeDefault}
            volumeMounts:
            - {name: logs, mountPath: /var/log/nginx}
          volumes:
          - name: logs
            emptyDir: {}
          affinity:
            nodeAffinity:
              requiredDuringSchedulingIgnoredDuringExecution:
                nodeSelectorTerms:
                - matchExpressions: [{key: disk, operator: In, values: [ssd]}]
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: second}
        spec:
          containers:
          - {name: main, image: busybox, command: [sleep, "3600"]}
        ---
        """

    @Test func decodesMultiDocumentManifestWithNativeSidecar() throws {
        let (pods, warnings) = try decodePods(yaml: Self.sidecarManifest, strict: true)
        #expect(warnings.isEmpty)
        #expect(pods.count == 2)
        let web = pods[0]
        #expect(web.metadata.name == "web")
        #expect(web.metadata.labels?["app.kubernetes.io/part-of"] == "shop")
        #expect(web.spec.restartPolicy == "OnFailure")
        #expect(web.spec.terminationGracePeriodSeconds == 5)
        let sidecar = try #require(web.spec.initContainers?[1])
        #expect(sidecar.restartPolicy == "Always")
        #expect(sidecar.volumeMounts?.first?.readOnly == true)
        #expect(web.spec.initContainers?[0].restartPolicy == nil)
        let app = web.spec.containers[0]
        #expect(app.ports?.first?.containerPort == 80)
        #expect(app.env?[1].valueFrom?["fieldRef"]?["fieldPath"] == .string("metadata.name"))
        #expect(app.resources?.limits?["memory"]?.value == 134_217_728)
        #expect(app.readinessProbe?.httpGet?.port == .string("http"))
        #expect(app.livenessProbe?.tcpSocket?.port == .int(80))
        #expect(app.securityContext?.capabilities?.drop == ["ALL"])
        #expect(web.spec.volumes?.first?.emptyDir == EmptyDirVolumeSource())
        #expect(web.spec.affinity?["nodeAffinity"] != nil)
        #expect(pods[1].spec.containers[0].command == ["sleep", "3600"])
        #expect(web.withDefaults().validate().isEmpty)
        #expect(pods[1].withDefaults().validate().isEmpty)
    }

    @Test func documentsKnowIndexKindAndPositions() throws {
        let docs = try ManifestDecoder.decodeDocuments(yaml: Self.sidecarManifest)
        #expect(docs.map(\.index) == [1, 2])
        #expect(docs[0].kind == "Pod")
        #expect(docs[0].apiVersion == "v1")
        #expect(docs[0].position(of: "spec.containers[0].image")?.line == 27)
        #expect(docs[0].position(of: "metadata.name")?.line == 5)
        // A field that is not there is placed at its nearest ancestor.
        #expect(docs[0].position(of: "spec.containers[0].missing")?.line == docs[0].position(of: "spec.containers[0]")?.line)
    }

    static let typo = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: typo
        spec:
          containers:
          - name: app
            imagee: nginx
            image: nginx
        """

    @Test func unknownFieldIsAnErrorWhenStrict() {
        #expect {
            _ = try decodePods(yaml: Self.typo, strict: true)
        } throws: { error in
            guard let error = error as? ManifestError else { return false }
            return error.kind == .unknownField
                && error.message == #"unknown field "spec.containers[0].imagee""#
                && error.line == 8
                && error.description == #"document 1: line 8, column 5: unknown field "spec.containers[0].imagee""#
        }
    }

    @Test func unknownFieldIsAWarningOtherwise() throws {
        let (pods, warnings) = try decodePods(yaml: Self.typo, strict: false)
        #expect(pods[0].spec.containers[0].image == "nginx")
        #expect(warnings == [#"unknown field "spec.containers[0].imagee""#])
    }

    @Test func reportsEveryUnknownFieldInDocumentOrder() throws {
        let yaml = """
            apiVersion: v1
            kind: Pod
            metdata: {name: x}
            spec:
              containers:
              - name: a
                image: b
                resources: {limits: {cpu: 1}, limtis: {}}
              volumes:
              - name: v
                emptyDir: {medum: Memory}
            """
        let (_, warnings) = try decodePods(yaml: yaml, strict: false)
        #expect(warnings == [
            #"unknown field "metdata""#,
            #"unknown field "spec.containers[0].resources.limtis""#,
            #"unknown field "spec.volumes[0].emptyDir.medum""#,
        ])
    }

    @Test func yamlSyntaxErrorHasLineAndColumn() {
        let yaml = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: bad
               labels: {}
            """
        #expect {
            _ = try decodePods(yaml: yaml, strict: true)
        } throws: { error in
            guard let error = error as? ManifestError else { return false }
            return error.kind == .syntax && error.line == 5 && error.documentIndex == 1
                && error.description.hasPrefix("document 1: line 5, column ")
                && error.description.contains("mapping values are not allowed")
        }
    }

    @Test func syntaxErrorInSecondDocumentNamesIt() {
        let yaml = "apiVersion: v1\nkind: Pod\n---\nkey: [unclosed\n"
        #expect {
            _ = try ManifestDecoder.decodeDocuments(yaml: yaml)
        } throws: { error in
            (error as? ManifestError)?.documentIndex == 2
        }
    }

    struct TypeErrorCase: Sendable, CustomStringConvertible {
        let snippet: String
        let message: String
        let line: Int
        var description: String { message }
    }

    @Test(arguments: [
        TypeErrorCase(snippet: "resources: {limits: {memory: 12Zi}}",
                      message: #"spec.containers[0].resources.limits.memory: Invalid value: "12Zi": \#(QuantityError.formatMessage)"#,
                      line: 8),
        TypeErrorCase(snippet: "ports: [{containerPort: http}]",
                      message: #"spec.containers[0].ports[0].containerPort: Invalid value: "http": expected an integer (Int32)"#,
                      line: 8),
        TypeErrorCase(snippet: "ports: [{containerPort: 99999999999}]",
                      message: "spec.containers[0].ports[0].containerPort: Invalid value: 99999999999: expected an integer (Int32)",
                      line: 8),
        TypeErrorCase(snippet: "command: sleep",
                      message: #"spec.containers[0].command: Invalid value: "sleep": expected a list"#,
                      line: 8),
        TypeErrorCase(snippet: "stdin: [true]",
                      message: "spec.containers[0].stdin: Invalid value: array: expected a boolean",
                      line: 8),
        TypeErrorCase(snippet: "env: {A: b}",
                      message: "spec.containers[0].env: Invalid value: object: expected a list",
                      line: 8),
    ])
    func typeErrorsNameTheFieldPath(_ c: TypeErrorCase) {
        let yaml = """
            apiVersion: v1
            kind: Pod
            metadata: {name: t}
            spec:
              containers:
              - name: a
                image: b
                \(c.snippet)
            """
        #expect {
            _ = try decodePods(yaml: yaml, strict: false)
        } throws: { error in
            guard let error = error as? ManifestError else { return false }
            return error.kind == .invalidValue && error.message == c.message && error.line == c.line
        }
    }

    @Test(arguments: [
        ("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n", #"document 1: line 2, column 1: kind "Deployment" is not supported here (only v1 Pod)"#),
        ("apiVersion: v1\nmetadata: {name: d}\n", #"document 1: line 1, column 1: missing required field "kind""#),
        ("kind: Pod\nmetadata: {name: d}\n", #"document 1: line 1, column 1: missing required field "apiVersion""#),
        ("apiVersion: v2\nkind: Pod\n", #"document 1: line 2, column 1: apiVersion "v2" for kind "Pod" is not supported here (only v1 Pod)"#),
        ("- a\n- b\n", "document 1: line 1, column 1: a manifest must be a mapping of fields, not array"),
    ])
    func rejectsOtherKinds(_ yaml: String, _ expected: String) {
        #expect {
            _ = try decodePods(yaml: yaml, strict: true)
        } throws: { error in
            (error as? ManifestError)?.description == expected
        }
    }

    @Test func secondDocumentErrorsCarryItsIndex() {
        let yaml = "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec: {containers: [{name: a, image: b}]}\n---\napiVersion: apps/v1\nkind: Deployment\n"
        #expect {
            _ = try decodePods(yaml: yaml, strict: true)
        } throws: { error in
            (error as? ManifestError)?.description == #"document 2: line 7, column 1: kind "Deployment" is not supported here (only v1 Pod)"#
        }
    }

    @Test func skipsEmptyDocumentsAndAcceptsJSON() throws {
        #expect(try decodePods(yaml: "---\n---\n", strict: true).pods.isEmpty)
        #expect(try decodePods(yaml: "", strict: true).pods.isEmpty)
        let json = #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"j"},"spec":{"containers":[{"name":"a","image":"b"}]}}"#
        #expect(try decodePods(yaml: json, strict: true).pods[0].metadata.name == "j")
    }

    @Test func decodesAListOfPods() throws {
        let yaml = """
            apiVersion: v1
            kind: List
            items:
            - apiVersion: v1
              kind: Pod
              metadata: {name: one}
              spec: {containers: [{name: a, image: b, imagee: c}]}
            - apiVersion: v1
              kind: Pod
              metadata: {name: two}
            """
        let (pods, warnings) = try decodePods(yaml: yaml, strict: false)
        #expect(pods.map(\.metadata.name) == ["one", "two"])
        #expect(warnings == [#"unknown field "items[0].spec.containers[0].imagee""#])
        #expect {
            _ = try decodePods(yaml: yaml, strict: true)
        } throws: { error in
            (error as? ManifestError)?.description == #"document 1: line 7, column 43: unknown field "items[0].spec.containers[0].imagee""#
        }
    }

    @Test func missingRequiredFieldsDecodeAsZeroValues() throws {
        let yaml = "apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - image: busybox\n    ports: [{}]\n"
        let pod = try decodePods(yaml: yaml, strict: true).pods[0]
        #expect(pod.spec.containers[0].name == "")
        #expect(pod.spec.containers[0].ports?[0].containerPort == 0)
        #expect(pod.metadata == ObjectMeta())
    }

    @Test func yamlFeaturesResolveLikeKubernetes() throws {
        let yaml = """
            base: &base {image: busybox, tty: yes}
            list:
            - <<: *base
              name: a
            - name: b
              <<: *base
              image: override
            when: 2024-05-01T12:00:00Z
            n: 0x10
            nothing: ~
            """
        let value = try JSONValue(parsingYAMLDocument: yaml)
        #expect(value["list"]?[0] == .object(["image": .string("busybox"), "tty": .bool(true), "name": .string("a")]))
        #expect(value["list"]?[1]?["image"] == .string("override"))
        #expect(value["when"] == .string("2024-05-01T12:00:00Z"))
        #expect(value["n"] == .int(16))
        #expect(value["nothing"] == .null)
    }

    @Test func decodeGenericTypeFromJSONValue() throws {
        let value = try JSONValue(parsingJSON: Data(#"{"name":"c","image":"i","extra":1}"#.utf8))
        let (container, warnings) = try ManifestDecoder.decode(Container.self, from: value, strict: false)
        #expect(container.name == "c")
        #expect(warnings == [#"unknown field "extra""#])
        #expect(throws: ManifestError.self) { try ManifestDecoder.decode(Container.self, from: value, strict: true) }
    }
}
