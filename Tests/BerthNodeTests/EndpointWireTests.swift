import Foundation
import Glibc
import Testing

/// A deliberately small client that speaks to the endpoint as kubectl does, over a plain
/// loopback socket: an HTTP/1.1 request (optionally the WebSocket handshake offering
/// `v5.channel.k8s.io`), then RFC 6455 frames, masked from our side. Blocking I/O, always run
/// off the Swift concurrency pool (`offPool`), with a receive timeout so a test cannot hang.
final class WireClient: @unchecked Sendable {
    struct Head: Sendable {
        var status: Int
        var headers: [(String, String)]
        func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
    }

    struct Frame: Sendable {
        var opcode: UInt8
        var payload: [UInt8]
    }

    private let fd: Int32
    private var buffer: [UInt8] = []

    init(port: Int, timeoutSeconds: Int = 20) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw WorldError("socket: errno \(errno)") }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else {
            close(fd)
            throw WorldError("connect 127.0.0.1:\(port): errno \(errno)")
        }
    }

    deinit { close(fd) }

    /// Sends `GET path` (with the WebSocket handshake when `protocols` is not nil) and reads
    /// the response head.
    func get(_ path: String, webSocketProtocols protocols: [String]? = nil) throws -> Head {
        var request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: kubectl/v1.32.4 (test)\r\n"
        if let protocols {
            let key = Data((0..<16).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
            request += "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: \(key)\r\n"
            if !protocols.isEmpty { request += "Sec-WebSocket-Protocol: \(protocols.joined(separator: ","))\r\n" }
        } else {
            request += "Connection: close\r\n"
        }
        try send(Array((request + "\r\n").utf8))
        let head = try readUntil(Array("\r\n\r\n".utf8))
        let lines = String(decoding: head, as: UTF8.self).components(separatedBy: "\r\n")
        let status = Int(lines.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
        let headers = lines.dropFirst().compactMap { line -> (String, String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        return Head(status: status, headers: headers)
    }

    /// The rest of an HTTP response body until the server closes (we asked `Connection: close`),
    /// de-chunked when it was chunked.
    func body(_ head: Head) throws -> [UInt8] {
        var raw = buffer
        buffer = []
        while let more = try receiveSome() { raw += more }
        return head.header("Transfer-Encoding")?.lowercased() == "chunked" ? Self.dechunk(raw) : raw
    }

    /// Reads (still chunk-encoded) body bytes until `marker` appears in them.
    func waitForBody(containing marker: String) throws {
        while !String(decoding: buffer, as: UTF8.self).contains(marker) {
            guard let more = try receiveSome() else { throw WorldError("connection closed before \(marker)") }
            buffer += more
        }
    }

    /// One binary message with the remote-command channel byte first.
    func sendChannel(_ channel: UInt8, _ payload: [UInt8]) throws {
        try sendFrame(opcode: 0x2, payload: [channel] + payload)
    }

    func sendFrame(opcode: UInt8, payload: [UInt8]) throws {
        var frame: [UInt8] = [0x80 | opcode]
        let mask = (0..<4).map { _ in UInt8.random(in: 0...255) }
        if payload.count < 126 {
            frame.append(0x80 | UInt8(payload.count))
        } else if payload.count <= 0xFFFF {
            frame += [0x80 | 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        } else {
            frame.append(0x80 | 127)
            frame += (0..<8).reversed().map { UInt8((payload.count >> ($0 * 8)) & 0xFF) }
        }
        frame += mask
        frame += payload.enumerated().map { $0.element ^ mask[$0.offset % 4] }
        try send(frame)
    }

    /// Frames until the server's close frame (answered) or the end of the connection; pings
    /// are answered and not returned.
    func framesUntilClose() throws -> (frames: [Frame], closed: Bool) {
        var frames: [Frame] = []
        while let frame = try readFrame() {
            switch frame.opcode {
            case 0x8:
                try? sendFrame(opcode: 0x8, payload: Array(frame.payload.prefix(2)))
                return (frames, true)
            case 0x9: try sendFrame(opcode: 0xA, payload: frame.payload)
            case 0xA: continue
            default: frames.append(frame)
            }
        }
        return (frames, false)
    }

    private func readFrame() throws -> Frame? {
        guard let header = try readExactly(2) else { return nil }
        var length = Int(header[1] & 0x7F)
        if length == 126 {
            guard let ext = try readExactly(2) else { return nil }
            length = Int(ext[0]) << 8 | Int(ext[1])
        } else if length == 127 {
            guard let ext = try readExactly(8) else { return nil }
            length = ext.reduce(0) { $0 << 8 | Int($1) }
        }
        guard let payload = try readExactly(length) else { return nil }
        return Frame(opcode: header[0] & 0x0F, payload: payload)
    }

    private func readExactly(_ count: Int) throws -> [UInt8]? {
        while buffer.count < count {
            guard let more = try receiveSome() else { return nil }
            buffer += more
        }
        defer { buffer.removeFirst(count) }
        return Array(buffer.prefix(count))
    }

    private func readUntil(_ marker: [UInt8]) throws -> [UInt8] {
        while true {
            if let range = Self.find(marker, in: buffer) {
                defer { buffer.removeFirst(range.upperBound) }
                return Array(buffer[..<range.lowerBound])
            }
            guard let more = try receiveSome() else { throw WorldError("connection closed in the response head") }
            buffer += more
        }
    }

    private func receiveSome() throws -> [UInt8]? {
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 { return Array(chunk[0..<count]) }
            if count == 0 { return nil }
            if errno == EINTR { continue }
            if errno == EAGAIN { throw WorldError("receive timed out") }
            if errno == ECONNRESET { return nil }
            throw WorldError("recv: errno \(errno)")
        }
    }

    private func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let count = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count < 0 {
                if errno == EINTR { continue }
                throw WorldError("send: errno \(errno)")
            }
            offset += count
        }
    }

    static func find(_ marker: [UInt8], in bytes: [UInt8]) -> Range<Int>? {
        guard bytes.count >= marker.count else { return nil }
        for start in 0...(bytes.count - marker.count) where Array(bytes[start..<start + marker.count]) == marker {
            return start..<start + marker.count
        }
        return nil
    }

    static func dechunk(_ raw: [UInt8]) -> [UInt8] {
        var body: [UInt8] = []
        var rest = raw[...]
        while let range = find(Array("\r\n".utf8), in: Array(rest)) {
            let sizeLine = String(decoding: rest.prefix(range.lowerBound), as: UTF8.self)
            guard let size = Int(sizeLine.split(separator: ";").first ?? "", radix: 16), size > 0 else { break }
            let start = rest.startIndex + range.upperBound
            guard start + size <= rest.endIndex else { break }
            body += rest[start..<start + size]
            rest = rest[min(rest.endIndex, start + size + 2)...]
        }
        return body
    }
}

/// Runs blocking socket work on a plain thread, not on the Swift concurrency pool that the
/// endpoint under test needs.
func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
    }
}

@Suite struct EndpointWireTests {
    @Test func dechunksHTTPBodies() {
        let raw = Array("5\r\nhello\r\n7\r\n world\n\r\n0\r\n\r\n".utf8)
        #expect(String(decoding: WireClient.dechunk(raw), as: UTF8.self) == "hello world\n")
    }
}
