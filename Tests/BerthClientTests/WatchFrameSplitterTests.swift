import BerthClient
import Foundation
import Testing

@Suite struct WatchFrameSplitterTests {
    static let stream = #"{"type":"ADDED","object":{"s":"a}b{c\"d\\","n":[1,{"x":2}]}}"# + "\n"
        + #"{"type":"DELETED","object":{}}"# + #"{"type":"BOOKMARK","object":{"metadata":{"resourceVersion":"9"}}}"# + "\r\n"

    /// Every split of the stream into two chunks gives the same three frames.
    @Test func everySplitPointGivesTheSameFrames() throws {
        let bytes = Array(Self.stream.utf8)
        var whole = WatchFrameSplitter()
        let expected = try whole.append(bytes)
        #expect(expected.count == 3)
        for cut in 0...bytes.count {
            var splitter = WatchFrameSplitter()
            let frames = try splitter.append(bytes[..<cut]) + splitter.append(bytes[cut...])
            #expect(frames == expected, "cut at \(cut)")
            try splitter.finish()
        }
    }

    @Test func byteByByte() throws {
        var splitter = WatchFrameSplitter()
        var frames: [Data] = []
        for byte in Self.stream.utf8 { frames += try splitter.append([byte]) }
        #expect(frames.count == 3)
        #expect(String(decoding: frames[0], as: UTF8.self).hasSuffix(#"[1,{"x":2}]}}"#))
    }

    @Test func truncatedStreamIsAnError() throws {
        var splitter = WatchFrameSplitter()
        _ = try splitter.append(Array(#"{"type":"ADDED","obj"#.utf8))
        #expect(throws: WatchFrameSplitter.SplitError.self) { try splitter.finish() }
    }

    @Test func garbageBetweenFramesIsAnError() {
        var splitter = WatchFrameSplitter()
        #expect(throws: WatchFrameSplitter.SplitError.unexpectedByte(UInt8(ascii: "x"))) {
            _ = try splitter.append(Array("{}x".utf8))
        }
    }

    @Test func oversizedFrameIsRefused() {
        var splitter = WatchFrameSplitter(maximumFrameSize: 16)
        #expect(throws: WatchFrameSplitter.SplitError.frameTooLarge(16)) {
            _ = try splitter.append(Array(#"{"type":"ADDED","object":{"#.utf8))
        }
    }
}
