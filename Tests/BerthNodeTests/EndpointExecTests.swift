@testable import BerthNode
import Foundation
import Testing

/// exec over WebSocket (v5.channel.k8s.io) against a real container, driven as kubectl does.
@Suite struct EndpointExecTests {
    static let pod = """
        apiVersion: v1
        kind: Pod
        metadata: {name: shell}
        spec:
          terminationGracePeriodSeconds: 1
          containers:
          - name: main
            image: busybox
            command: [sleep, "3600"]
        """

    struct ExecResult: Sendable {
        var status: Int
        var subprotocol: String?
        var stdout: [UInt8] = []
        var stderr: [UInt8] = []
        var finalStatus: EndpointStatus?
        var unexpected: [String] = []
        var closed = false
        var out: String { String(decoding: stdout, as: UTF8.self) }
        var err: String { String(decoding: stderr, as: UTF8.self) }
    }

    static func path(_ pod: String = "shell", container: String = "main", command: [String], stdin: Bool = false,
                     tty: Bool = false) -> String {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+?/;")
        var query = command.map { "command=" + ($0.addingPercentEncoding(withAllowedCharacters: allowed) ?? $0) }
        query += ["stdout=true", "stderr=\(!tty)", "stdin=\(stdin)", "tty=\(tty)"]
        return "/exec/default/\(pod)/\(container)?" + query.joined(separator: "&")
    }

    /// Upgrades, lets `interact` send client frames, then collects everything until the close.
    static func exec(_ world: EndpointWorld, path: String, protocols: [String] = ["v5.channel.k8s.io"],
                     interact: @escaping @Sendable (WireClient) throws -> Void = { _ in }) async throws -> ExecResult {
        let port = world.port
        return try await offPool {
            let client = try WireClient(port: port)
            let head = try client.get(path, webSocketProtocols: protocols)
            var result = ExecResult(status: head.status, subprotocol: head.header("Sec-WebSocket-Protocol"))
            guard head.status == 101 else { return result }
            try interact(client)
            let (frames, closed) = try client.framesUntilClose()
            result.closed = closed
            for frame in frames {
                guard frame.opcode == 0x2, let channel = frame.payload.first else {
                    result.unexpected.append("opcode \(frame.opcode)")
                    continue
                }
                let payload = Array(frame.payload.dropFirst())
                switch channel {
                case 1: result.stdout += payload
                case 2: result.stderr += payload
                case 3: result.finalStatus = try JSONDecoder().decode(EndpointStatus.self, from: Data(payload))
                default: result.unexpected.append("channel \(channel)")
                }
            }
            return result
        }
    }

    static func http(_ world: EndpointWorld, _ path: String) async throws -> (status: Int, body: String) {
        let port = world.port
        return try await offPool {
            let client = try WireClient(port: port)
            let head = try client.get(path)
            return (head.status, String(decoding: try client.body(head), as: UTF8.self))
        }
    }

    @Test func execAgainstARealContainer() async throws {
        try await withEndpointWorld(pod: Self.pod, name: "shell") { world in
            // stdout and stderr on their channels, Success on channel 3, then a close frame.
            let echo = try await Self.exec(world, path: Self.path(command: ["sh", "-c", "echo out; echo err >&2"]))
            #expect(echo.status == 101)
            #expect(echo.subprotocol == "v5.channel.k8s.io")
            #expect(echo.out == "out\n")
            #expect(echo.err == "err\n")
            #expect(echo.finalStatus == .success)
            #expect(echo.closed && echo.unexpected.isEmpty, "\(echo.unexpected)")

            // stdin: channel 0 to the process, ff 00 closes it (cat then ends).
            let cat = try await Self.exec(world, path: Self.path(command: ["cat"], stdin: true)) { client in
                try client.sendChannel(0, Array("hello\n".utf8))
                try client.sendChannel(0, Array("world\n".utf8))
                try client.sendChannel(255, [0])
            }
            #expect(cat.out == "hello\nworld\n")
            #expect(cat.finalStatus == .success)

            // A non-zero exit: kubectl reads the code from the ExitCode cause.
            let exit3 = try await Self.exec(world, path: Self.path(command: ["sh", "-c", "exit 3"]))
            let status = try #require(exit3.finalStatus)
            #expect(status.status == "Failure" && status.reason == "NonZeroExitCode")
            #expect(status.message == "command terminated with non-zero exit code: error executing command [sh -c exit 3], exit code 3")
            #expect(status.details?.causes == [EndpointStatus.Cause(reason: "ExitCode", message: "3")])
            #expect(exit3.closed)

            // Output larger than a pipe buffer and a frame arrives whole.
            let big = try await Self.exec(world, path: Self.path(command: ["sh", "-c", "dd if=/dev/zero bs=1000 count=300 2>/dev/null"]))
            #expect(big.stdout.count == 300_000 && big.stdout.allSatisfy { $0 == 0 })
            #expect(big.finalStatus == .success)

            // A tty: resize applies to the pty, the process sees a terminal.
            let tty = try await Self.exec(world, path: Self.path(command: ["sh", "-c", "read x; [ -t 1 ] && echo is-a-tty; stty size"],
                                                                  stdin: true, tty: true)) { client in
                try client.sendChannel(4, Array(#"{"Width":100,"Height":30}"#.utf8))
                try client.sendChannel(0, Array("go\n".utf8))
            }
            #expect(tty.out.contains("is-a-tty") && tty.out.contains("30 100"), "\(tty.out)")
            #expect(tty.stderr.isEmpty)
            #expect(tty.finalStatus == .success)

            // v4 is accepted and echoed too.
            let v4 = try await Self.exec(world, path: Self.path(command: ["echo", "v4"]), protocols: ["v4.channel.k8s.io"])
            #expect(v4.subprotocol == "v4.channel.k8s.io")
            #expect(v4.out == "v4\n" && v4.finalStatus == .success)

            // A command that cannot start: a Failure status, not a hang.
            let missing = try await Self.exec(world, path: Self.path(command: ["no-such-command"]))
            #expect(missing.finalStatus?.status == "Failure", "\(String(describing: missing.finalStatus))")
            #expect(missing.closed)
        }
    }

    @Test func execRefusals() async throws {
        try await withEndpointWorld(pod: Self.pod, name: "shell") { world in
            // Upgraded, then the Status on channel 3 (Hummingbird cannot refuse with a body).
            let ws = try await Self.exec(world, path: Self.path("nope", command: ["true"]))
            #expect(ws.finalStatus?.reason == "NotFound")
            #expect(ws.finalStatus?.message == #"pods "nope" not found"#)

            // The same checks over plain HTTP answer Status objects with their codes.
            let notFound = try await Self.http(world, Self.path("nope", command: ["true"]))
            #expect(notFound.status == 404 && notFound.body.contains(#""message":"pods \"nope\" not found""#), "\(notFound)")
            let badContainer = try await Self.http(world, Self.path(container: "other", command: ["true"]))
            #expect(badContainer.status == 404)
            #expect(badContainer.body.contains(#"container \"other\" in pod \"shell\" is not valid"#), "\(badContainer.body)")
            let noCommand = try await Self.http(world, "/exec/default/shell/main?stdout=true")
            #expect(noCommand.status == 400 && noCommand.body.contains("BadRequest"))
            let noUpgrade = try await Self.http(world, Self.path(command: ["true"]))
            #expect(noUpgrade.status == 400 && noUpgrade.body.contains("Upgrade request required"))

            let health = try await Self.http(world, "/healthz")
            #expect(health.status == 200 && health.body == "ok")
        }
    }
}
