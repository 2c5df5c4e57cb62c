import Foundation
import Synchronization
import Testing

@testable import BerthRuntime

@Suite struct LogReaderTests {
    let dir: String
    let path: String

    init() throws {
        dir = try makeRTScratchDirectory("logs")
        path = dir + "/0.log"
    }

    static let sample = """
        2024-01-02T03:04:05.000000001Z stdout F hello
        2024-01-02T03:04:06.5Z stderr P par
        2024-01-02T03:04:06.6Z stdout F middle
        2024-01-02T03:04:07Z stderr F tial
        2024-01-02T03:04:08.123456789Z stdout F 
        this line is not CRI
        2024-01-02T05:04:09+01:00 stdout F offset
        2024-01-02T04:05:00Z stdout F unterminated
        """

    func write(_ text: String) throws {
        try text.write(toFile: path, atomically: false, encoding: .utf8)
    }

    func read(_ options: CRILogOptions = CRILogOptions()) throws -> String {
        String(decoding: try CRILogReader().read(path: path, options: options), as: UTF8.self)
    }

    func date(_ text: String) throws -> Date {
        CRITimestamp.date(try #require(CRITimestamp.parse(text)))
    }

    @Test func parsesLines() throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let line = try CRILogLine.parse(Array("2024-01-02T03:04:05.123Z stderr P:x some  text ".utf8))
        #expect(line.stream == .stderr)
        #expect(line.partial)
        #expect(line.content == Data("some  text ".utf8))
        #expect(line.time == "2024-01-02T03:04:05.123Z")
        #expect(line.nanosecondsSinceEpoch == 1_704_164_645_123_000_000)
        #expect(line.date == Date(timeIntervalSince1970: 1_704_164_645.123))
        let empty = try CRILogLine.parse(Array("2024-01-02T03:04:05Z stdout F".utf8))
        #expect(empty.content.isEmpty && !empty.partial)
        #expect(try CRILogLine.parse(empty.encoded().dropLast()) == CRILogLine.parse(Array("2024-01-02T03:04:05Z stdout F ".utf8)))
        for bad in ["", "nonsense", "2024-01-02T03:04:05Z stdin F x", "2024-01-02T03:04:05Z stdout X x", "2024-13-02T03:04:05Z stdout F x"] {
            #expect(throws: CRILogError.self) { try CRILogLine.parse(Array(bad.utf8)) }
        }
    }

    @Test(arguments: [
        ("2024-01-02T03:04:05Z", "2024-01-02T03:04:05Z"),
        ("2024-01-02T03:04:05.000000001Z", "2024-01-02T03:04:05.000000001Z"),
        ("2024-01-02T03:04:05.500Z", "2024-01-02T03:04:05.5Z"),
        ("2024-01-02T04:04:05.25+01:00", "2024-01-02T03:04:05.25Z"),
        ("1969-12-31T23:59:59.9Z", "1969-12-31T23:59:59.9Z"),
        ("2000-02-29T12:00:00-00:30", "2000-02-29T12:30:00Z"),
    ])
    func timestampsRoundTripAsRFC3339Nano(input: String, output: String) throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(CRITimestamp.format(try #require(CRITimestamp.parse(input))) == output)
    }

    @Test func readsWholeLinesJoiningPartials() throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try write(Self.sample)
        #expect(try read() == "hello\nmiddle\npartial\n\noffset\n")
        #expect(try read(CRILogOptions(stream: .stderr)) == "partial\n")
        #expect(try read(CRILogOptions(timestamps: true)) == """
            2024-01-02T03:04:05.000000001Z hello
            2024-01-02T03:04:06.6Z middle
            2024-01-02T03:04:06.5Z partial
            2024-01-02T03:04:08.123456789Z 
            2024-01-02T04:04:09Z offset

            """)
    }

    @Test func tailSinceAndLimit() throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try write(Self.sample)
        #expect(try read(CRILogOptions(tailLines: 2)) == "\noffset\n")
        #expect(try read(CRILogOptions(tailLines: 0)) == "")
        #expect(try read(CRILogOptions(tailLines: 100)) == "hello\nmiddle\npartial\n\noffset\n")
        #expect(try read(CRILogOptions(sinceTime: date("2024-01-02T03:04:06.5Z"))) == "middle\npartial\n\noffset\n")
        #expect(try read(CRILogOptions(sinceTime: date("2024-01-02T03:04:06.55Z"))) == "middle\n\noffset\n")
        // As in the kubelet, tail first, then since.
        #expect(try read(CRILogOptions(tailLines: 3, sinceTime: date("2024-01-02T03:04:08Z"))) == "\noffset\n")
        #expect(try read(CRILogOptions(limitBytes: 8)) == "hello\nmi")
        #expect(try read(CRILogOptions(timestamps: true, limitBytes: 4)) == "2024")
    }

    @Test func trailingPartialIsShownWithoutNewline() throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try write("2024-01-02T03:04:05Z stdout F a\n2024-01-02T03:04:06Z stdout P b\n2024-01-02T03:04:07Z stdout P c\n")
        #expect(try read() == "a\nbc")
        let entries = try CRILogReader().entries(path: path)
        #expect(entries.map(\.complete) == [true, false])
    }

    @Test func missingFileIsAnError() {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(throws: CRILogError.io(operation: "open", path: path, errno: ENOENT)) {
            _ = try CRILogReader().read(path: path)
        }
    }

    /// Follow: the file appears late, grows by whole and partial lines, and following stops
    /// once the container is finished and nothing more arrives.
    @Test func followsGrowthUntilFinished() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let probe = FollowProbe()
        let reader = CRILogReader(pollInterval: .milliseconds(5))
        let path = self.path
        let follower = Task {
            try await reader.follow(path: path, options: CRILogOptions(tailLines: 1), isFinished: { probe.isFinished }) {
                probe.append($0)
            }
        }
        func text() -> String { probe.text }
        func append(_ line: String) throws {
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(line.utf8))
        }

        try write("2024-01-02T03:04:05Z stdout F old\n2024-01-02T03:04:06Z stdout F last\n")
        #expect(await pollLogs { text() == "last\n" })
        try append("2024-01-02T03:04:07Z stderr P frag")
        try append("ment-")
        try append("one\n")
        try append("2024-01-02T03:04:08Z stderr F two\n")
        #expect(await pollLogs { text() == "last\nfragment-onetwo\n" })
        try append("2024-01-02T03:04:09Z stdout F after\n")
        probe.finish()
        try await follower.value
        #expect(text() == "last\nfragment-onetwo\nafter\n")
    }

    @Test func followOfFinishedContainerWithoutFileReturns() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var chunks: [Data] = []
        try await CRILogReader().follow(path: path, isFinished: { true }) { chunks.append($0) }
        #expect(chunks.isEmpty)
        try write(Self.sample)
        try await CRILogReader().follow(path: path, options: CRILogOptions(timestamps: false, limitBytes: 100), isFinished: { true }) {
            chunks.append($0)
        }
        // The unterminated last line is still held back; trailing partials are flushed.
        #expect(chunks.reduce(Data(), +) == Data("hello\nmiddle\npartial\n\noffset\n".utf8))
    }

    @Test func followStopsAtLimitBytes() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try write(Self.sample)
        var all = Data()
        try await CRILogReader().follow(path: path, options: CRILogOptions(limitBytes: 7), isFinished: { false }) { all.append($0) }
        #expect(all == Data("hello\nm".utf8))
    }

    @Test func followSurvivesRotation() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try write("2024-01-02T03:04:05Z stdout F one\n")
        let probe = FollowProbe()
        let path = self.path
        let follower = Task {
            try await CRILogReader(pollInterval: .milliseconds(5)).follow(path: path, isFinished: { probe.isFinished }) {
                probe.append($0)
            }
        }
        #expect(await pollLogs { probe.text == "one\n" })
        try FileManager.default.moveItem(atPath: path, toPath: path + ".1")
        try "2024-01-02T03:04:06Z stdout F two\n".write(toFile: path, atomically: false, encoding: .utf8)
        #expect(await pollLogs { probe.text == "one\ntwo\n" })
        probe.finish()
        try await follower.value
    }
}

/// What a follower emitted, and the container's "finished" flag.
fileprivate final class FollowProbe: Sendable {
    private let output = Mutex(Data())
    private let finished = Atomic(false)

    var text: String { output.withLock { String(decoding: $0, as: UTF8.self) } }
    var isFinished: Bool { finished.load(ordering: .acquiring) }
    func append(_ chunk: Data) { output.withLock { $0.append(chunk) } }
    func finish() { finished.store(true, ordering: .releasing) }
}

/// Polls `condition` until it holds or the deadline passes.
fileprivate func pollLogs(timeout: Duration = .seconds(5), _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return condition()
}
