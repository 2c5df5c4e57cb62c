import Testing
@testable import BerthAPI

@Suite struct ValidationTests {
    /// A valid pod in YAML; each case patches in one change and names the errors expected.
    static func pod(_ yaml: String) throws -> Pod {
        try decodePods(yaml: yaml, strict: true).pods[0]
    }

    static func base(name: String = "web", spec: String = "", container: String = "", extraContainers: String = "") -> String {
        """
        apiVersion: v1
        kind: Pod
        metadata:
          name: \(name)
        spec:
        \(spec.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
          containers:
          - name: app
            image: nginx:1.25
        \(container.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
        \(extraContainers)
        """
    }

    struct Case: Sendable, CustomStringConvertible {
        let description: String
        let yaml: String
        let expected: [String]
    }

    static let subdomainDetail = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
    static let labelDetail = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"

    static let cases: [Case] = [
        Case(description: "valid", yaml: base(), expected: []),
        Case(description: "bad name", yaml: base(name: "Web_1"),
             expected: [#"metadata.name: Invalid value: "Web_1": "# + subdomainDetail]),
        Case(description: "no name",
             yaml: "apiVersion: v1\nkind: Pod\nspec: {containers: [{name: a, image: b}]}",
             expected: ["metadata.name: Required value: name or generateName is required"]),
        Case(description: "generateName ok",
             yaml: "apiVersion: v1\nkind: Pod\nmetadata: {generateName: web-}\nspec: {containers: [{name: a, image: b}]}",
             expected: []),
        Case(description: "bad namespace and labels",
             yaml: "apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: Prod, labels: {\"bad key!\": x, ok: \"-v\"}}\nspec: {containers: [{name: a, image: b}]}",
             expected: [
                #"metadata.namespace: Invalid value: "Prod": "# + labelDetail,
                #"metadata.labels: Invalid value: "bad key!": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"#,
                #"metadata.labels: Invalid value: "-v": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"#,
             ]),
        Case(description: "no containers",
             yaml: "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec: {containers: []}",
             expected: ["spec.containers: Required value"]),
        Case(description: "missing image and name",
             yaml: "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec: {containers: [{}]}",
             expected: ["spec.containers[0].name: Required value", "spec.containers[0].image: Required value"]),
        Case(description: "duplicate names across init and regular containers",
             yaml: base(spec: "initContainers: [{name: app, image: busybox}]",
                        extraContainers: "  - {name: app, image: busybox}\n  - {name: Side_car, image: busybox}"),
             expected: [
                #"spec.containers[0].name: Duplicate value: "app""#,
                #"spec.containers[1].name: Duplicate value: "app""#,
                #"spec.containers[2].name: Invalid value: "Side_car": "# + labelDetail,
             ]),
        Case(description: "restart policy", yaml: base(spec: "restartPolicy: Sometimes"),
             expected: [#"spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "Never", "OnFailure""#]),
        Case(description: "init container restart policy and regular container restart policy",
             yaml: base(spec: "initContainers: [{name: init, image: busybox, restartPolicy: OnFailure}]", container: "restartPolicy: Always"),
             expected: [
                #"spec.initContainers[0].restartPolicy: Unsupported value: "OnFailure": supported values: "Always""#,
                "spec.containers[0].restartPolicy: Forbidden: may not be set for non-init containers",
             ]),
        Case(description: "probes on init containers only for sidecars",
             yaml: base(spec: """
                initContainers:
                - {name: init, image: busybox, readinessProbe: {exec: {command: ["true"]}}}
                - {name: side, image: busybox, restartPolicy: Always, readinessProbe: {exec: {command: ["true"]}}}
                """),
             expected: ["spec.initContainers[0].readinessProbe: Forbidden: may not be set for init containers without restartPolicy=Always"]),
        Case(description: "ports", yaml: base(container: "ports: [{containerPort: 70000}, {containerPort: 80, protocol: ICMP, name: http}, {containerPort: 81, name: http}, {}]"),
             expected: [
                "spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive",
                #"spec.containers[0].ports[1].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP""#,
                #"spec.containers[0].ports[2].name: Duplicate value: "http""#,
                "spec.containers[0].ports[3].containerPort: Required value",
             ]),
        Case(description: "volumes",
             yaml: base(spec: """
                volumes:
                - {name: data, emptyDir: {}}
                - {name: data, hostPath: {path: /srv}}
                - {name: none}
                - {name: two, emptyDir: {}, hostPath: {path: /x}}
                - {name: rel, hostPath: {path: srv, type: Folder}}
                """),
             expected: [
                #"spec.volumes[1].name: Duplicate value: "data""#,
                "spec.volumes[2]: Required value: must specify a volume type",
                "spec.volumes[3].emptyDir: Forbidden: may not specify more than 1 volume type",
                #"spec.volumes[4].hostPath.path: Invalid value: "srv": must be an absolute path"#,
                #"spec.volumes[4].hostPath.type: Unsupported value: "Folder": supported values: "", "DirectoryOrCreate", "Directory", "FileOrCreate", "File", "Socket", "CharDevice", "BlockDevice""#,
             ]),
        Case(description: "volume mounts",
             yaml: base(spec: "volumes: [{name: data, emptyDir: {}}]", container: """
                volumeMounts:
                - {name: data, mountPath: /data}
                - {name: data, mountPath: /data, subPath: ../etc}
                - {name: nope, mountPath: relative, subPath: /abs}
                """),
             expected: [
                #"spec.containers[0].volumeMounts[1].mountPath: Invalid value: "/data": must be unique"#,
                #"spec.containers[0].volumeMounts[1].subPath: Invalid value: "../etc": must not contain '..'"#,
                #"spec.containers[0].volumeMounts[2].name: Not found: "nope""#,
                #"spec.containers[0].volumeMounts[2].mountPath: Invalid value: "relative": must be an absolute path"#,
                #"spec.containers[0].volumeMounts[2].subPath: Invalid value: "/abs": must be a relative path"#,
             ]),
        Case(description: "resources",
             yaml: base(container: """
                resources:
                  limits: {cpu: 500m, memory: -1Gi, gpu: 1}
                  requests: {cpu: "1", hugepages-2Mi: 2Mi}
                """),
             expected: [
                #"spec.containers[0].resources.limits[gpu]: Invalid value: "gpu": must be a standard resource for containers"#,
                #"spec.containers[0].resources.limits[memory]: Invalid value: "-1Gi": must be greater than or equal to 0"#,
                #"spec.containers[0].resources.requests: Invalid value: "1": must be less than or equal to cpu limit of 500m"#,
                // Defaulting copied the bad limits into requests, so Kubernetes reports them twice too.
                #"spec.containers[0].resources.requests[gpu]: Invalid value: "gpu": must be a standard resource for containers"#,
                #"spec.containers[0].resources.requests[memory]: Invalid value: "-1Gi": must be greater than or equal to 0"#,
             ]),
        Case(description: "extended and hugepage resources",
             yaml: base(container: "resources: {limits: {example.com/gpu: 1, hugepages-2Mi: 4Mi}, requests: {hugepages-2Mi: 2Mi}}"),
             expected: [#"spec.containers[0].resources.requests: Invalid value: "2Mi": must be equal to hugepages-2Mi limit of 4Mi"#]),
        Case(description: "probes",
             yaml: base(container: """
                livenessProbe: {exec: {command: ["true"]}, httpGet: {port: 80}, successThreshold: 2, periodSeconds: -1}
                readinessProbe: {httpGet: {port: 0, scheme: FTP}, terminationGracePeriodSeconds: 5}
                startupProbe: {initialDelaySeconds: -1}
                """),
             expected: [
                "spec.containers[0].livenessProbe.httpGet: Forbidden: may not specify more than 1 handler type",
                "spec.containers[0].livenessProbe.periodSeconds: Invalid value: -1: must be greater than or equal to 0",
                "spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1",
                "spec.containers[0].readinessProbe.httpGet.port: Invalid value: 0: must be between 1 and 65535, inclusive",
                #"spec.containers[0].readinessProbe.httpGet.scheme: Unsupported value: "FTP": supported values: "HTTP", "HTTPS""#,
                "spec.containers[0].readinessProbe.terminationGracePeriodSeconds: Invalid value: 5: must not be set for readinessProbes",
                "spec.containers[0].startupProbe: Required value: must specify a handler type",
                "spec.containers[0].startupProbe.initialDelaySeconds: Invalid value: -1: must be greater than or equal to 0",
             ]),
        Case(description: "probe zeros are defaulted, not refused",
             yaml: base(container: """
                livenessProbe: {tcpSocket: {port: 80}, periodSeconds: 0, timeoutSeconds: 0, successThreshold: 0, failureThreshold: 0}
                """),
             expected: []),
        Case(description: "probe handlers: only the first is validated; ports, headers, grpc",
             yaml: base(container: """
                ports: [{name: http, containerPort: 8080}]
                livenessProbe: {httpGet: {port: http, httpHeaders: [{name: "X-Ok", value: a}, {name: "Bad Header", value: b}]}, tcpSocket: {port: 0}}
                readinessProbe: {grpc: {port: 70000}, successThreshold: 3}
                startupProbe: {tcpSocket: {port: not_a_name}, successThreshold: 2, terminationGracePeriodSeconds: 0}
                """),
             expected: [
                #"spec.containers[0].livenessProbe.httpGet.httpHeaders: Invalid value: "Bad Header": a valid HTTP header must consist of alphanumeric characters or '-' (e.g. 'X-Header-Name', regex used for validation is '[-A-Za-z0-9]+')"#,
                "spec.containers[0].livenessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type",
                "spec.containers[0].readinessProbe.grpc.port: Invalid value: 70000: must be between 1 and 65535, inclusive",
                #"spec.containers[0].startupProbe.tcpSocket.port: Invalid value: "not_a_name": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)"#,
                "spec.containers[0].startupProbe.successThreshold: Invalid value: 2: must be 1",
                "spec.containers[0].startupProbe.terminationGracePeriodSeconds: Invalid value: 0: must be greater than 0",
             ]),
        Case(description: "grace period", yaml: base(spec: "terminationGracePeriodSeconds: -1"),
             expected: ["spec.terminationGracePeriodSeconds: Invalid value: -1: must be greater than or equal to 0"]),
        Case(description: "capabilities",
             yaml: base(container: "securityContext: {capabilities: {add: [NET_ADMIN, CAP_SYS_TIME, net_raw, NET_FOO], drop: [ALL]}}"),
             expected: [
                #"spec.containers[0].securityContext.capabilities.add[2]: Invalid value: "net_raw": must be a Linux capability name such as NET_ADMIN (the CAP_ prefix is optional) or ALL"#,
                #"spec.containers[0].securityContext.capabilities.add[3]: Invalid value: "NET_FOO": must be a Linux capability name such as NET_ADMIN (the CAP_ prefix is optional) or ALL"#,
             ]),
        Case(description: "privileged without escalation",
             yaml: base(container: "securityContext: {privileged: true, allowPrivilegeEscalation: false}"),
             expected: ["spec.containers[0].securityContext: Invalid value: cannot set `allowPrivilegeEscalation` to false and `privileged` to true"]),
        Case(description: "seccomp",
             yaml: base(spec: "securityContext: {seccompProfile: {type: Localhost}}",
                        container: "securityContext: {seccompProfile: {type: Strict}}"),
             expected: [
                #"spec.containers[0].securityContext.seccompProfile.type: Unsupported value: "Strict": supported values: "Localhost", "RuntimeDefault", "Unconfined""#,
                "spec.securityContext.seccompProfile.localhostProfile: Required value: must be set when seccomp type is Localhost",
             ]),
        Case(description: "runAsNonRoot with root user",
             yaml: base(spec: "securityContext: {runAsNonRoot: true}", container: "securityContext: {runAsUser: 0}"),
             expected: ["spec.containers[0].securityContext.runAsUser: Forbidden: may not be 0 when runAsNonRoot is true"]),
        Case(description: "pod-level runAsNonRoot with root user and bad ids",
             yaml: base(spec: "securityContext: {runAsNonRoot: true, runAsUser: 0, fsGroup: -5}"),
             expected: [
                "spec.securityContext.fsGroup: Invalid value: -5: must be between 0 and 2147483647, inclusive",
                "spec.securityContext.runAsUser: Forbidden: may not be 0 when runAsNonRoot is true",
             ]),
    ]

    @Test(arguments: cases)
    func validationMessages(_ c: Case) throws {
        let errors = try Self.pod(c.yaml).withDefaults().validate()
        #expect(errors.map(\.description).sorted() == c.expected.sorted())
    }

    @Test func fieldErrorFormatting() {
        #expect(FieldError.duplicate("spec.containers[1].name", "app").description == #"spec.containers[1].name: Duplicate value: "app""#)
        #expect(FieldError.required("spec.containers").description == "spec.containers: Required value")
        #expect(FieldError.invalid("a", number: 5, "bad").description == "a: Invalid value: 5: bad")
        #expect(FieldError.invalid("a", #"x"y"#, "bad").description == #"a: Invalid value: "x\"y": bad"#)
        #expect(FieldError.tooLong("metadata.annotations", maxLength: 262_144).description
            == "metadata.annotations: Too long: may not be more than 262144 bytes")
    }

    @Test func nameGrammars() {
        #expect(NameValidation.dns1123Label("my-name").isEmpty)
        #expect(NameValidation.dns1123Label(String(repeating: "a", count: 64)) == ["must be no more than 63 characters"])
        #expect(NameValidation.dns1123Subdomain("example.com").isEmpty)
        #expect(!NameValidation.dns1123Subdomain("a..b").isEmpty)
        #expect(NameValidation.qualifiedName("app.kubernetes.io/name").isEmpty)
        #expect(NameValidation.qualifiedName("/name") == ["prefix part must be non-empty"])
        #expect(NameValidation.labelValue("").isEmpty)
        #expect(NameValidation.portName("http-alt").isEmpty)
        #expect(NameValidation.portName("8080") == ["must contain at least one letter (a-z)"])
        #expect(SecurityValidation.normalizedCapability("NET_ADMIN") == "CAP_NET_ADMIN")
        #expect(SecurityValidation.normalizedCapability("CAP_SYS_ADMIN") == "CAP_SYS_ADMIN")
        #expect(SecurityValidation.normalizedCapability("sys_admin") == nil)
    }
}
