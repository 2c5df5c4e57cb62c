@testable import BerthNode
import BerthAPI
import Foundation
import Hummingbird
import HummingbirdWebSocket
import Testing

/// The real kubectl against the endpoint, before the API server exists: a stand-in serves
/// /version, legacy discovery and the pod GET, and mounts the endpoint's exec and logs
/// handlers at the API paths (which is what the API server's proxy amounts to).
@Suite struct EndpointKubectlTests {
    static let pod = """
        apiVersion: v1
        kind: Pod
        metadata: {name: shell}
        spec:
          terminationGracePeriodSeconds: 1
          containers:
          - name: main
            image: busybox
            command: [sh, -c, 'echo hello-log; echo second-line; exec sleep 3600']
        """

    struct Output: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Serves the stand-in API on a free port; returns its port.
    static func startFakeAPI(_ world: EndpointWorld) async throws -> (port: Int, task: Task<Void, any Error>) {
        let endpoint = AgentEndpoint(store: world.environment.store, runtime: world.environment.runtime,
                                     paths: world.paths, logger: .init(label: "test.kubectl"))
        let store = world.environment.store
        let router = Router(context: AgentEndpoint.Context.self)
        router.get("/version") { _, _ in
            Self.json(#"{"major":"1","minor":"32","gitVersion":"v1.32.0-berth","platform":"linux/amd64"}"#)
        }
        router.get("/api") { _, _ in Self.json(#"{"kind":"APIVersions","versions":["v1"],"serverAddressByClientCIDRs":[]}"#) }
        router.get("/apis") { _, _ in Self.json(#"{"kind":"APIGroupList","apiVersion":"v1","groups":[]}"#) }
        router.get("/api/v1") { _, _ in
            Self.json(#"{"kind":"APIResourceList","groupVersion":"v1","resources":[{"name":"pods","singularName":"pod","namespaced":true,"kind":"Pod","verbs":["get","list"],"shortNames":["po"]},{"name":"pods/exec","singularName":"","namespaced":true,"kind":"PodExecOptions","verbs":["create","get"]},{"name":"pods/log","singularName":"","namespaced":true,"kind":"Pod","verbs":["get"]}]}"#)
        }
        router.get("/api/v1/namespaces/:namespace/pods/:pod") { _, context in
            guard var pod = store.find(namespace: context.parameters.get("namespace") ?? "", name: context.parameters.get("pod") ?? "") else {
                return AgentEndpoint.response(.podNotFound(context.parameters.get("pod") ?? ""))
            }
            pod.apiVersion = "v1"
            pod.kind = "Pod"
            return Response(status: .ok, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(bytes: encodeJSON(pod))))
        }
        router.get("/api/v1/namespaces/:namespace/pods/:pod/log") { request, context in
            await endpoint.logs(request: request, namespace: context.parameters.get("namespace") ?? "",
                                pod: context.parameters.get("pod") ?? "",
                                container: request.uri.queryParameters.get("container") ?? "main")
        }
        let webSocketRouter = Router(context: AgentEndpoint.Context.self)
        endpoint.addExecRoute(to: webSocketRouter, path: "/api/v1/namespaces/:namespace/pods/:pod/exec") { request, context in
            (context.parameters.get("namespace") ?? "", context.parameters.get("pod") ?? "",
             request.uri.queryParameters.get("container") ?? "main")
        }
        let bound = PortBox()
        let app = Application(router: router, server: .http1WebSocketUpgrade(webSocketRouter: webSocketRouter),
                              configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { bound.set($0.localAddress?.port ?? 0) })
        let task = Task { try await app.runService(gracefulShutdownSignals: []) }
        try await world.eventually("fake API listening") { bound.value != nil }
        return (bound.value ?? 0, task)
    }

    static func json(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func kubectl(_ world: EndpointWorld, port: Int, _ args: [String], stdin: String? = nil) async throws -> Output {
        let config = world.root + "/kubeconfig"
        try """
            apiVersion: v1
            kind: Config
            clusters: [{name: berth, cluster: {server: "http://127.0.0.1:\(port)"}}]
            users: [{name: berth, user: {}}]
            contexts: [{name: berth, context: {cluster: berth, user: berth, namespace: default}}]
            current-context: berth
            """.write(toFile: config, atomically: true, encoding: .utf8)
        let cache = world.root + "/kube-cache"
        return try await offPool {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/kubectl")
            process.arguments = ["--kubeconfig", config, "--cache-dir", cache, "--request-timeout", "20s"] + args
            process.environment = ["PATH": "/usr/bin:/bin", "HOME": world.root, "KUBECONFIG": config]
            let out = Pipe(), err = Pipe(), input = Pipe()
            process.standardOutput = out
            process.standardError = err
            process.standardInput = stdin == nil ? FileHandle.nullDevice : input
            try process.run()
            if let stdin {
                input.fileHandleForWriting.write(Data(stdin.utf8))
                try input.fileHandleForWriting.close()
            }
            let errData = Locked(Data())
            let reader = Thread { errData.set(Self.readToEnd(err.fileHandleForReading.fileDescriptor)) }
            reader.start()
            let outData = Self.readToEnd(out.fileHandleForReading.fileDescriptor)
            process.waitUntilExit()
            while !reader.isFinished { usleep(1000) }
            return Output(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                          stderr: String(decoding: errData.value, as: UTF8.self))
        }
    }

    /// FileHandle.readDataToEndOfFile traps on EINTR (SIGCHLD arrives here): read by hand.
    static func readToEnd(_ fd: Int32) -> Data {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count > 0 { data.append(contentsOf: buffer[0..<count]) } else if count < 0 && errno == EINTR { continue } else { return data }
        }
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/kubectl")))
    func realKubectlExecAndLogs() async throws {
        try await withEndpointWorld(pod: Self.pod, name: "shell") { world in
            let (port, api) = try await Self.startFakeAPI(world)
            defer { api.cancel() }

            let echo = try await Self.kubectl(world, port: port, ["exec", "shell", "--", "sh", "-c", "echo out; echo err >&2"])
            #expect(echo.status == 0, "\(echo.stderr)")
            #expect(echo.stdout == "out\n")
            #expect(echo.stderr == "err\n")

            let exit3 = try await Self.kubectl(world, port: port, ["exec", "shell", "-c", "main", "--", "sh", "-c", "exit 3"])
            #expect(exit3.status == 3)
            #expect(exit3.stderr.contains("command terminated with exit code 3"), "\(exit3.stderr)")

            let cat = try await Self.kubectl(world, port: port, ["exec", "-i", "shell", "--", "cat"], stdin: "piped\nthrough\n")
            #expect(cat.status == 0, "\(cat.stderr)")
            #expect(cat.stdout == "piped\nthrough\n")

            let hostname = try await Self.kubectl(world, port: port, ["exec", "shell", "-c", "main", "--", "cat", "/etc/hostname"])
            #expect(hostname.status == 0 && hostname.stdout == "shell\n", "\(hostname)")

            let logs = try await Self.kubectl(world, port: port, ["logs", "shell"])
            #expect(logs.status == 0, "\(logs.stderr)")
            #expect(logs.stdout == "hello-log\nsecond-line\n")
            let tail = try await Self.kubectl(world, port: port, ["logs", "shell", "--tail=1"])
            #expect(tail.stdout == "second-line\n")
        }
    }
}

final class Locked<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value
    init(_ value: Value) { stored = value }
    func set(_ value: Value) { lock.withLock { stored = value } }
    var value: Value { lock.withLock { stored } }
}
