import Testing
@testable import BerthAPI

/// The kube-apiserver's messages for the kinds beyond Pod, one table per kind.
@Suite struct TypesValidationTests {
    static let labelDetail: String = ValidationTests.labelDetail
    static let subdomainDetail: String = ValidationTests.subdomainDetail
    static let configKeyDetail = "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"

    struct Case<T: Sendable>: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var object: T
        var expected: [String]
        init(_ description: String, _ object: T, _ expected: [String]) {
            self.testDescription = description
            self.object = object
            self.expected = expected
        }
    }

    static func ns(_ name: String?, namespace: String? = nil, finalizers: [String]? = nil) -> Namespace {
        Namespace(metadata: ObjectMeta(name: name, namespace: namespace), spec: finalizers.map { NamespaceSpec(finalizers: $0) })
    }

    @Test(arguments: [
        Case("valid", ns("team-a", finalizers: ["kubernetes", "example.com/cleanup"]), []),
        Case("subdomain is not a label", ns("team.a"), [#"metadata.name: Invalid value: "team.a": "# + labelDetail]),
        Case("missing name", ns(nil), ["metadata.name: Required value: name or generateName is required"]),
        Case("namespace on a cluster object", ns("a", namespace: "default"), ["metadata.namespace: Forbidden: not allowed on this type"]),
        Case("finalizer not qualified", ns("a", finalizers: ["cleanup"]),
             [#"spec.finalizers: Invalid value: "cleanup": name is neither a standard finalizer name nor is it fully qualified"#]),
        Case("too long", ns(String(repeating: "a", count: 64)),
             [#"metadata.name: Invalid value: "\#(String(repeating: "a", count: 64))": must be no more than 63 characters"#]),
    ])
    func validateNamespace(_ c: Case<Namespace>) {
        #expect(c.object.validate().map(\.description) == c.expected)
    }

    static func node(_ name: String = "node-1", taints: [Taint]? = nil, podCIDRs: [String]? = nil,
                     capacity: [String: Quantity]? = nil) -> Node {
        Node(metadata: ObjectMeta(name: name), spec: NodeSpec(podCIDRs: podCIDRs, taints: taints),
             status: NodeStatus(capacity: capacity))
    }

    @Test(arguments: [
        Case("valid", node(taints: [Taint(key: "dedicated", value: "gpu", effect: "NoSchedule")],
                           podCIDRs: ["10.244.0.0/24", "fd00:10:244::/64"],
                           capacity: ["cpu": Quantity(value: 8), "pods": Quantity(value: 110)]), []),
        Case("subdomain name", node("node-1.example.com"), []),
        Case("bad name", node("Node_1"), [#"metadata.name: Invalid value: "Node_1": "# + subdomainDetail]),
        Case("taint without effect", node(taints: [Taint(key: "k")]), ["spec.taints[0].effect: Required value"]),
        Case("taint bad effect", node(taints: [Taint(key: "k", effect: "NoRun")]),
             [#"spec.taints[0].effect: Unsupported value: "NoRun": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute""#]),
        Case("duplicate taint", node(taints: [Taint(key: "k", value: "a", effect: "NoSchedule"), Taint(key: "k", value: "b", effect: "NoSchedule")]),
             ["spec.taints[1]: Duplicate value: {k b NoSchedule <nil>}: taints must be unique by key and effect pair"]),
        Case("bad CIDR", node(podCIDRs: ["10.244.0.0/33"]),
             [#"spec.podCIDRs[0]: Invalid value: "10.244.0.0/33": invalid CIDR address: 10.244.0.0/33"#]),
        Case("two of one family", node(podCIDRs: ["10.244.0.0/24", "10.245.0.0/24"]),
             ["spec.podCIDRs: Invalid value: [10.244.0.0/24 10.245.0.0/24]: may specify no more than one CIDR for each IP family"]),
        Case("fractional pods", node(capacity: ["pods": Quantity(milliValue: 1500)]),
             [#"status.capacity.pods: Invalid value: "1500m": must be an integer"#]),
        Case("negative memory", node(capacity: ["memory": Quantity(value: -1)]),
             [#"status.capacity.memory: Invalid value: "-1": must be greater than or equal to 0"#]),
    ])
    func validateNode(_ c: Case<Node>) {
        #expect(c.object.validate().map(\.description) == c.expected)
    }

    @Test func nodeUpdateKeepsPodCIDRsAndProviderID() {
        let old = Node(metadata: ObjectMeta(name: "n"), spec: NodeSpec(podCIDRs: ["10.244.0.0/24"], providerID: "berth://n"))
        var new = old
        #expect(new.validateUpdate(old: old).isEmpty)
        new.spec?.podCIDRs = ["10.244.1.0/24"]
        new.spec?.providerID = "other://n"
        #expect(new.validateUpdate(old: old).map(\.description) == [
            #"spec.podCIDRs: Forbidden: node updates may not change podCIDR except from "" to valid"#,
            #"spec.providerID: Forbidden: node updates may not change providerID except from "" to valid"#,
        ])
        // From unset to set is how the controller assigns them.
        #expect(new.validateUpdate(old: Node(metadata: ObjectMeta(name: "n"))).isEmpty)
    }

    static func cm(_ data: [String: String]? = nil, binary: [String: String]? = nil, namespace: String? = "default") -> ConfigMap {
        ConfigMap(metadata: ObjectMeta(name: "settings", namespace: namespace), data: data, binaryData: binary)
    }

    @Test(arguments: [
        Case("valid", cm(["app.properties": "a=b", "MODE_1": "x", "-x_.y": ""], binary: ["logo": "AAECAw=="]), []),
        Case("bad key", cm(["a/b": "x"]), [#"data[a/b]: Invalid value: "a/b": "# + configKeyDetail]),
        Case("dot keys", cm([".": "x", "..a": "y"]),
             [#"data[.]: Invalid value: ".": must not be '.'"#, #"data[..a]: Invalid value: "..a": must not start with '..'"#]),
        Case("key in both maps", cm(["k": "x"], binary: ["k": "AA=="]),
             [#"data[k]: Invalid value: "k": duplicate of key present in binaryData"#]),
        Case("too big", cm(["a": String(repeating: "x", count: 600_000), "b": String(repeating: "y", count: 600_000)]),
             [": Too long: may not be more than 1048576 bytes"]),
        Case("no namespace", cm(namespace: nil), ["metadata.namespace: Required value"]),
    ])
    func validateConfigMap(_ c: Case<ConfigMap>) {
        #expect(c.object.validate().map(\.description) == c.expected)
    }

    @Test func immutableConfigMapKeepsItsData() {
        var old = Self.cm(["k": "v"])
        old.immutable = true
        var new = old
        #expect(new.validateUpdate(old: old).isEmpty)
        new.data = ["k": "w"]
        new.immutable = nil
        #expect(new.validateUpdate(old: old).map(\.description) == [
            "data: Forbidden: field is immutable when `immutable` is set",
            "immutable: Forbidden: field is immutable when `immutable` is set",
        ])
    }

    static func lease(_ spec: LeaseSpec) -> Lease {
        Lease(metadata: ObjectMeta(name: "node-1", namespace: "kube-node-lease"), spec: spec)
    }

    @Test(arguments: [
        Case("valid", lease(LeaseSpec(holderIdentity: "node-1", leaseDurationSeconds: 40, renewTime: "2025-01-10T10:00:01.123456Z")), []),
        Case("zero duration", lease(LeaseSpec(leaseDurationSeconds: 0)), ["spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0"]),
        Case("negative transitions", lease(LeaseSpec(leaseTransitions: -1)),
             ["spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0"]),
        Case("preferred holder without strategy", lease(LeaseSpec(preferredHolder: "x")),
             ["spec.preferredHolder: Forbidden: may only be specified if `strategy` is defined"]),
    ])
    func validateLease(_ c: Case<Lease>) {
        #expect(c.object.validate().map(\.description) == c.expected)
    }

    static func event(namespace: String = "default", objectNamespace: String? = "default", eventTime: String? = nil,
                      reportingComponent: String? = nil, action: String? = nil, reason: String? = "Started") -> Event {
        Event(metadata: ObjectMeta(name: "web.1", namespace: namespace),
              involvedObject: ObjectReference(kind: "Pod", namespace: objectNamespace, name: "web"),
              reason: reason, eventTime: eventTime, action: action, reportingComponent: reportingComponent,
              reportingInstance: eventTime == nil ? nil : "node-1")
    }

    @Test(arguments: [
        Case("legacy", event(), []),
        Case("cluster object in default", event(objectNamespace: nil), []),
        Case("namespace mismatch", event(namespace: "other"),
             [#"involvedObject.namespace: Invalid value: "default": does not match event.namespace"#]),
        Case("new style complete", event(eventTime: "2025-01-10T10:00:01.123456Z", reportingComponent: "berth.dev/agent", action: "Start"), []),
        Case("new style incomplete", event(eventTime: "2025-01-10T10:00:01.123456Z"),
             ["reportingComponent: Required value", #"reportingComponent: Invalid value: "": name part must be non-empty"#,
              "action: Required value"]),
    ])
    func validateEvent(_ c: Case<Event>) {
        #expect(c.object.validate().map(\.description) == c.expected)
    }

    @Test(arguments: [
        Case("valid", Binding(metadata: ObjectMeta(name: "web"), target: ObjectReference(kind: "Node", name: "node-1")), []),
        Case("kind may be empty", Binding(target: ObjectReference(name: "node-1")), []),
        Case("no target", Binding(), ["target.name: Required value"]),
        Case("not a node", Binding(target: ObjectReference(kind: "Pod", name: "x")),
             [#"target.kind: Unsupported value: "Pod": supported values: "Node", "<empty>""#]),
    ])
    func validateBinding(_ c: Case<Binding>) {
        #expect(c.object.validate().map(\.description) == c.expected)
    }
}

@Suite struct TypesDefaultsTests {
    @Test func namespaceGetsItsNameLabelAndActivePhase() {
        let ns = Namespace(metadata: ObjectMeta(name: "team-a", labels: ["owner": "me"])).withDefaults()
        #expect(ns.metadata.labels == ["owner": "me", "kubernetes.io/metadata.name": "team-a"])
        #expect(ns.status?.phase == "Active")
        let created = Namespace(metadata: ObjectMeta(name: "b"), spec: NamespaceSpec(finalizers: ["example.com/x"]),
                                status: NamespaceStatus(phase: "Terminating")).preparedForCreate()
        #expect(created.spec?.finalizers == ["example.com/x", "kubernetes"])
        #expect(created.status == NamespaceStatus(phase: "Active"))
        #expect(created.preparedForCreate() == created)
    }

    @Test func nodeAllocatableDefaultsToCapacity() throws {
        let capacity = ["cpu": try Quantity("4"), "memory": try Quantity("8Gi"), "pods": try Quantity("110")]
        let node = Node(metadata: ObjectMeta(name: "n"), spec: NodeSpec(podCIDR: "10.244.0.0/24"),
                        status: NodeStatus(capacity: capacity)).withDefaults()
        #expect(node.status?.allocatable == capacity)
        #expect(node.spec?.podCIDRs == ["10.244.0.0/24"])
        let reverse = Node(spec: NodeSpec(podCIDRs: ["10.244.1.0/24"])).withDefaults()
        #expect(reverse.spec?.podCIDR == "10.244.1.0/24")
    }

    @Test func typeMetaIsFilledIn() {
        #expect(Lease(apiVersion: nil, kind: nil).withDefaults().apiVersion == "coordination.k8s.io/v1")
        #expect(ConfigMap(apiVersion: "", kind: nil).withDefaults().kind == "ConfigMap")
        #expect(Event(apiVersion: nil, kind: nil).withDefaults().kind == "Event")
        #expect(Binding(apiVersion: nil).withDefaults().apiVersion == "v1")
    }
}

@Suite struct TypesResourceInfoTests {
    @Test func discoveryFacts() {
        #expect(BuiltinResources.all.map(\.plural) == ["configmaps", "events", "namespaces", "nodes", "pods", "leases"])
        let pods = BuiltinResources.pods
        #expect(pods.shortNames == ["po"] && pods.categories == ["all"] && pods.namespaced)
        #expect(pods.subresources.map(\.name) == ["binding", "exec", "log", "status"])
        #expect(BuiltinResources.nodes.shortNames == ["no"] && !BuiltinResources.nodes.namespaced)
        #expect(!BuiltinResources.namespaces.verbs.contains("deletecollection"))
        #expect(BuiltinResources.leases.groupVersion == "coordination.k8s.io/v1")
        #expect(BuiltinResources.leases.pathPrefix == "/apis/coordination.k8s.io/v1")
        #expect(BuiltinResources.events.listKind == "EventList")
        #expect(BuiltinResources.groups.map(\.group) == ["", "coordination.k8s.io"])
    }

    @Test(arguments: [("po", "pods"), ("Pod", "pods"), ("pod", "pods"), ("ns", "namespaces"), ("cm", "configmaps"),
                      ("ev", "events"), ("no", "nodes"), ("Lease", "leases"), ("leases", "leases")])
    func lookup(name: String, plural: String) {
        #expect(BuiltinResources.lookup(name)?.plural == plural)
    }

    @Test func resourceByURL() {
        #expect(BuiltinResources.resource(group: "coordination.k8s.io", version: "v1", plural: "leases")?.kind == "Lease")
        #expect(BuiltinResources.resource(group: "", version: "v1", plural: "leases") == nil)
        #expect(BuiltinResources.lookup("deployments") == nil)
        #expect(Pod.resource == BuiltinResources.pods && Lease.resource.kind == "Lease")
    }
}
