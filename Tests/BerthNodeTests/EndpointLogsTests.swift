@testable import BerthNode
import Foundation
import Testing

/// /containerLogs against a real container: plain, tail, timestamps, follow, previous, errors.
@Suite struct EndpointLogsTests {
    static let pod = """
        apiVersion: v1
        kind: Pod
        metadata: {name: talker}
        spec:
          terminationGracePeriodSeconds: 1
          containers:
          - name: main
            image: busybox
            command: [sh, -c, 'echo start; echo to-stderr >&2; while [ ! -f /tmp/go ]; do sleep 0.1; done; echo finish']
        """

    static func lines(_ text: String) -> [String] { text.split(separator: "\n").map(String.init).sorted() }

    @Test func logsOfARealContainer() async throws {
        try await withEndpointWorld(pod: Self.pod, name: "talker") { world in
            let base = "/containerLogs/default/talker/main"
            try await world.eventually("both lines logged") {
                let all = try await EndpointExecTests.http(world, base)
                return Self.lines(all.body) == ["start", "to-stderr"]
            }
            let all = try await EndpointExecTests.http(world, base)
            #expect(all.status == 200)

            let tail = try await EndpointExecTests.http(world, base + "?tailLines=1")
            #expect(tail.body == "start\n" || tail.body == "to-stderr\n", "\(tail.body)")

            let stamped = try await EndpointExecTests.http(world, base + "?timestamps=true")
            let stampedLines = stamped.body.split(separator: "\n")
            #expect(stampedLines.count == 2)
            #expect(stampedLines.allSatisfy { $0.hasPrefix("20") && $0.contains("Z ") }, "\(stamped.body)")

            let limited = try await EndpointExecTests.http(world, base + "?limitBytes=3")
            #expect(limited.body.count == 3)

            let noPrevious = try await EndpointExecTests.http(world, base + "?previous=true")
            #expect(noPrevious.status == 400)
            #expect(noPrevious.body.contains(#"previous terminated container \"main\" in pod \"talker\" not found"#), "\(noPrevious.body)")
            let noPod = try await EndpointExecTests.http(world, "/containerLogs/default/nope/main")
            #expect(noPod.status == 404 && noPod.body.contains(#"pods \"nope\" not found"#))
            let noContainer = try await EndpointExecTests.http(world, "/containerLogs/default/talker/other")
            #expect(noContainer.status == 404 && noContainer.body.contains("is not valid"))

            // follow: what is there, then new lines as they come, and the end with the container.
            let port = world.port
            let (client, head) = try await offPool { () -> (WireClient, WireClient.Head) in
                let client = try WireClient(port: port)
                let head = try client.get(base + "?follow=true")
                try client.waitForBody(containing: "start")
                return (client, head)
            }
            #expect(head.status == 200 && head.header("Transfer-Encoding") == "chunked")
            let pod = try #require(world.pod("talker"))
            let id = try #require(pod.status?.containerStatuses?.first?.containerID?.replacingOccurrences(of: "berth://", with: ""))
            let touched = try await world.environment.runtime.exec(id, argv: ["touch", "/tmp/go"], stdio: [-1, -1, -1])
            #expect(touched == 0)
            let followed = try await offPool { String(decoding: try client.body(head), as: UTF8.self) }
            #expect(Self.lines(followed) == ["finish", "start", "to-stderr"], "\(followed)")

            // The run that ended is now the previous one.
            try await world.eventually("the container restarted") {
                (world.pod("talker")?.status?.containerStatuses?.first?.restartCount ?? 0) >= 1
            }
            let previous = try await EndpointExecTests.http(world, base + "?previous=true")
            #expect(previous.status == 200)
            #expect(Self.lines(previous.body) == ["finish", "start", "to-stderr"], "\(previous.body)")
        }
    }
}
