import Foundation

/// Cuts a watch response body into its JSON frames. The server writes one JSON object per
/// event (newline-terminated, as the kube-apiserver does), but chunk boundaries fall anywhere:
/// inside an object, inside a string, between a backslash and what it escapes. So frames are
/// found by tracking object depth and string state byte by byte, not by waiting for newlines,
/// which also accepts frames a server writes back to back without a separator.
public struct WatchFrameSplitter: Sendable {
    private var buffer: [UInt8] = []
    private var depth = 0
    private var inString = false
    private var escaped = false
    /// Where the current frame starts in `buffer`, once its `{` has been seen.
    private var frameStart: Int?
    /// How far `buffer` has been scanned.
    private var scanned = 0

    /// Refuses frames larger than this (a runaway or hostile stream), in bytes.
    public let maximumFrameSize: Int

    public init(maximumFrameSize: Int = 16 << 20) { self.maximumFrameSize = maximumFrameSize }

    public enum SplitError: Error, Sendable, Equatable, CustomStringConvertible {
        case frameTooLarge(Int)
        case unexpectedByte(UInt8)
        case truncatedFrame(Int)

        public var description: String {
            switch self {
            case .frameTooLarge(let size): return "watch frame larger than \(size) bytes"
            case .unexpectedByte(let byte): return "unexpected byte 0x\(String(byte, radix: 16)) between watch frames"
            case .truncatedFrame(let size): return "watch stream ended inside a frame (\(size) bytes buffered)"
            }
        }
    }

    /// Adds bytes from the stream; returns the frames they complete, in order.
    public mutating func append<Bytes: Sequence>(_ bytes: Bytes) throws(SplitError) -> [Data] where Bytes.Element == UInt8 {
        buffer.append(contentsOf: bytes)
        var frames: [Data] = []
        var index = scanned
        while index < buffer.count {
            let byte = buffer[index]
            if frameStart == nil {
                switch byte {
                case UInt8(ascii: "{"):
                    frameStart = index
                    depth = 1
                case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"):
                    break
                default:
                    throw .unexpectedByte(byte)
                }
            } else if inString {
                if escaped {
                    escaped = false
                } else if byte == UInt8(ascii: "\\") {
                    escaped = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
            } else {
                switch byte {
                case UInt8(ascii: "\""): inString = true
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0, let start = frameStart {
                        frames.append(Data(buffer[start...index]))
                        frameStart = nil
                    }
                default: break
                }
            }
            index += 1
        }
        // Drop what has been consumed, keeping only an unfinished frame.
        if let start = frameStart {
            if start > 0 {
                buffer.removeFirst(start)
                frameStart = 0
            }
        } else {
            buffer.removeAll(keepingCapacity: true)
        }
        scanned = buffer.count
        if buffer.count > maximumFrameSize { throw .frameTooLarge(maximumFrameSize) }
        return frames
    }

    /// Call at the end of the stream: an unfinished frame is an error.
    public func finish() throws(SplitError) {
        if frameStart != nil { throw .truncatedFrame(buffer.count) }
    }
}
