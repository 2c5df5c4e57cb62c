import BerthAPI
@testable import BerthNode
import Foundation
import Testing

@Suite struct EndpointCodecTests {
    @Test(arguments: [
        (RemoteCommandChannel.stdin, [UInt8]("hi\n".utf8), [0, 104, 105, 10]),
        (.stdout, [UInt8]("ok".utf8), [1, 111, 107]),
        (.stderr, [], [2]),
        (.close, [0], [255, 0]),
    ] as [(RemoteCommandChannel, [UInt8], [UInt8])])
    func framesRoundTrip(channel: RemoteCommandChannel, payload: [UInt8], wire: [UInt8]) throws {
        let frame = RemoteCommandFrame(channel: channel, payload: payload)
        #expect(frame.encoded() == wire)
        #expect(try RemoteCommandFrame.decode(wire) == frame)
    }

    @Test func badFramesAreErrors() {
        #expect(throws: RemoteCommandError.emptyMessage) { try RemoteCommandFrame.decode([UInt8]()) }
        #expect(throws: RemoteCommandError.unknownChannel(7)) { try RemoteCommandFrame.decode([7, 1]) }
    }

    @Test func resizeIsClientGosTerminalSize() throws {
        let size = try TerminalSize.decode(Array(#"{"Width":120,"Height":40}"#.utf8))
        #expect(size == TerminalSize(width: 120, height: 40))
        #expect(throws: RemoteCommandError.self) { try TerminalSize.decode(Array("{}".utf8)) }
        #expect(throws: RemoteCommandError.self) { try TerminalSize.decode(Array("nope".utf8)) }
    }

    @Test(arguments: [
        (["v5.channel.k8s.io"], RemoteCommandProtocol.v5),
        (["v4.channel.k8s.io, v5.channel.k8s.io"], .v5),
        (["v4.channel.k8s.io", "channel.k8s.io"], .v4),
        (["channel.k8s.io"], nil),
        ([], nil),
    ] as [([String], RemoteCommandProtocol?)])
    func subprotocolNegotiation(offered: [String], chosen: RemoteCommandProtocol?) {
        #expect(RemoteCommandProtocol.negotiate(offered: offered) == chosen)
    }

    @Test func successStatusIsTheKubeletsBytes() {
        let status = EndpointStatus.exit(command: ["true"], code: 0)
        #expect(String(decoding: status.encoded(), as: UTF8.self) == #"{"metadata":{},"status":"Success"}"#)
        #expect(status.frame().channel == .error)
    }

    @Test func nonZeroExitCarriesTheExitCodeCause() throws {
        let status = EndpointStatus.exit(command: ["sh", "-c", "exit 3"], code: 3)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(status.encoded())) as? [String: Any])
        #expect(json["status"] as? String == "Failure")
        #expect(json["reason"] as? String == "NonZeroExitCode")
        #expect(json["message"] as? String
            == "command terminated with non-zero exit code: error executing command [sh -c exit 3], exit code 3")
        let causes = (json["details"] as? [String: Any])?["causes"] as? [[String: Any]]
        #expect(causes?.count == 1)
        #expect(causes?.first?["reason"] as? String == "ExitCode")
        #expect(causes?.first?["message"] as? String == "3")
    }

    @Test func httpFailuresAreStatusObjects() throws {
        let status = EndpointStatus.podNotFound("web")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(status.encoded())) as? [String: Any])
        #expect(json["kind"] as? String == "Status")
        #expect(json["apiVersion"] as? String == "v1")
        #expect(json["code"] as? Int == 404)
        #expect(json["reason"] as? String == "NotFound")
        #expect(json["message"] as? String == #"pods "web" not found"#)
        #expect(EndpointStatus.badRequest("x").code == 400)
    }

    @Test func execOptionsFollowTheKubelet() throws {
        func options(_ query: [String: [String]]) throws(EndpointFailure) -> ExecOptions {
            try ExecOptions { query[$0] ?? [] }
        }
        let plain = try options(["command": ["sh", "-c", "echo hi"], "stdout": ["true"], "stderr": ["true"]])
        #expect(plain.command == ["sh", "-c", "echo hi"] && plain.stdout && plain.stderr && !plain.stdin && !plain.tty)
        let tty = try options(["command": ["sh"], "stdin": ["true"], "stdout": ["true"], "stderr": ["true"], "tty": ["true"]])
        #expect(tty.tty && tty.stdin && !tty.stderr)
        // The Python client spells booleans "True"; "0" and "false" are false, as in the kubelet.
        let python = try options(["command": ["ls"], "stdout": ["True"], "stderr": ["False"], "stdin": ["0"]])
        #expect(python.stdout && !python.stderr && !python.stdin)
        #expect(throws: EndpointFailure.self) { try options(["stdout": ["true"]]) }
        #expect(throws: EndpointFailure.self) { try options(["command": ["ls"]]) }
    }

    @Test func logRequestParsesKubectlsParameters() throws {
        let now = Date(timeIntervalSince1970: 1_000_000)
        let query = ["follow": "true", "tailLines": "5", "timestamps": "true", "sinceSeconds": "60", "limitBytes": "100"]
        let request = try LogRequest(query: { query[$0] }, now: now)
        #expect(request.follow && !request.previous)
        #expect(request.options.tailLines == 5 && request.options.timestamps && request.options.limitBytes == 100)
        #expect(request.options.sinceTime == now.addingTimeInterval(-60))
        let python = try LogRequest(query: { ["follow": "True", "previous": "FALSE"][$0] })
        #expect(python.follow && !python.previous)
        let since = try LogRequest(query: { $0 == "sinceTime" ? "2024-01-02T03:04:05Z" : nil })
        #expect(since.options.sinceTime == Date(timeIntervalSince1970: 1_704_164_645))
        #expect(throws: EndpointFailure.self) { try LogRequest(query: { $0 == "tailLines" ? "x" : nil }) }
        #expect(throws: EndpointFailure.self) { try LogRequest(query: { $0 == "sinceTime" ? "yesterday" : nil }) }
    }

    @Test(arguments: [
        ("command=sh&command=-c&command=echo+out%3B+echo+err+%3E%262&stdout=true",
         ["sh", "-c", "echo out; echo err >&2"]),
        ("command=a%2Bb&command=", ["a+b", ""]),
        ("stdout=true", []),
        ("", []),
    ])
    func queriesDecodeAsGoEncodesThem(query: String, commands: [String]) {
        #expect(FormQuery(query).all("command") == commands)
    }
}
