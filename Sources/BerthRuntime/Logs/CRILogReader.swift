import Foundation
import Glibc

/// What `kubectl logs` asks for.
public struct CRILogOptions: Sendable, Hashable {
    /// Only the last N whole lines (nil: all). Applies to what is in the file when reading
    /// starts; in follow mode, later lines all follow.
    public var tailLines: Int?
    /// Only lines whose (first fragment's) timestamp is at or after this time.
    public var sinceTime: Date?
    /// Prefix each line with its RFC3339Nano timestamp and a space (`kubectl --timestamps`).
    public var timestamps: Bool
    /// Stop after this many bytes of output (the last line is cut).
    public var limitBytes: Int?
    /// Only this stream (nil: both).
    public var stream: CRILogStream?

    public init(
        tailLines: Int? = nil, sinceTime: Date? = nil, timestamps: Bool = false, limitBytes: Int? = nil,
        stream: CRILogStream? = nil
    ) {
        self.tailLines = tailLines
        self.sinceTime = sinceTime
        self.timestamps = timestamps
        self.limitBytes = limitBytes
        self.stream = stream
    }
}

/// A whole log line: `P` fragments joined with their final `F` line.
public struct CRILogEntry: Sendable, Hashable {
    /// Timestamp of the first fragment.
    public var nanosecondsSinceEpoch: Int64
    public var stream: CRILogStream
    public var content: Data
    /// False for trailing `P` fragments whose `F` line has not been written (yet).
    public var complete: Bool

    public var date: Date { CRITimestamp.date(nanosecondsSinceEpoch) }

    /// `[timestamp ]content` plus a newline when complete.
    public func rendered(timestamps: Bool) -> Data {
        var data = timestamps ? Data((CRITimestamp.format(nanosecondsSinceEpoch) + " ").utf8) : Data()
        data.append(content)
        if complete { data.append(UInt8(ascii: "\n")) }
        return data
    }
}

/// Reads CRI log files written by the shim: whole files, or following one as it grows.
///
/// Malformed lines are skipped. An unterminated last line is treated as still being written:
/// it is ignored by `read` and held back by `follow` until its newline arrives. Tail is
/// applied by reading the whole file (the shim's files are bounded) and keeping the last
/// N whole lines; as in the kubelet, tail is applied before `sinceTime`.
public struct CRILogReader: Sendable {
    /// How often `follow` looks for new data (I/O polling).
    public var pollInterval: Duration

    public init(pollInterval: Duration = .milliseconds(50)) {
        self.pollInterval = pollInterval
    }

    /// Whole lines of the file, with `tailLines`, `sinceTime` and `stream` applied.
    public func entries(path: String, options: CRILogOptions = CRILogOptions()) throws(CRILogError) -> [CRILogEntry] {
        let bytes = try Self.readAll(path)
        var assembler = CRILogAssembler()
        let (complete, _) = Self.splitLines(bytes[...])
        var entries = complete.flatMap { assembler.feed($0) } + assembler.flush()
        entries = entries.filter { options.stream == nil || $0.stream == options.stream }
        if let tail = options.tailLines { entries = Array(entries.suffix(max(0, tail))) }
        return entries.filter { Self.passesSince($0, options) }
    }

    /// The output `kubectl logs` shows: lines rendered with the options, cut at `limitBytes`.
    public func read(path: String, options: CRILogOptions = CRILogOptions()) throws(CRILogError) -> Data {
        var output = Data()
        for entry in try entries(path: path, options: options) {
            output.append(entry.rendered(timestamps: options.timestamps))
            if let limit = options.limitBytes, output.count >= limit { return output.prefix(max(0, limit)) }
        }
        return output
    }

    /// Emits what `read` would, then every whole line appended later, polling the file every
    /// `pollInterval`. Waits for a file that does not exist yet. Returns once `isFinished()`
    /// was true before a read that found no new data (so everything written before the
    /// container finished is emitted), or when `limitBytes` is reached. Follows a file
    /// replaced at the same path (rotation: the old one is drained first) or truncated
    /// (restarts at 0). Cancellation ends it with `CancellationError`.
    public func follow(
        path: String, options: CRILogOptions = CRILogOptions(), isFinished: @Sendable () -> Bool,
        emit: (Data) -> Void
    ) async throws {
        var budget = options.limitBytes ?? Int.max
        guard budget > 0, var current = try await waitForFile(path, isFinished: isFinished) else { return }
        defer { close(current.fd) }

        var assembler = CRILogAssembler()
        var pending = Data()
        var first = true
        while true {
            let finished = isFinished()
            var chunk = try Self.readAvailable(&current, path: path)
            if chunk.isEmpty, let replacement = Self.replacement(of: current, path: path) {
                close(current.fd)
                current = replacement
                chunk = try Self.readAvailable(&current, path: path)
            }
            pending.append(chunk)
            let (lines, rest) = Self.splitLines(pending[...])
            var entries = lines.flatMap { assembler.feed($0) }
            pending = Data(rest)
            let done = chunk.isEmpty && finished
            if done { entries += assembler.flush() }
            entries = entries.filter { options.stream == nil || $0.stream == options.stream }
            if first, let tail = options.tailLines { entries = Array(entries.suffix(max(0, tail))) }
            first = false
            var output = Data()
            for entry in entries where Self.passesSince(entry, options) {
                output.append(entry.rendered(timestamps: options.timestamps))
            }
            if output.count >= budget {
                emit(output.prefix(budget))
                return
            }
            if !output.isEmpty {
                budget -= output.count
                emit(output)
            }
            if done { return }
            if chunk.isEmpty { try await Task.sleep(for: pollInterval) }
        }
    }

    // MARK: file access

    struct OpenFile {
        var fd: Int32
        var offset: Int64
        var inode: UInt
    }

    private func waitForFile(_ path: String, isFinished: @Sendable () -> Bool) async throws -> OpenFile? {
        while true {
            let finished = isFinished()
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            if fd >= 0 {
                var info = stat()
                fstat(fd, &info)
                return OpenFile(fd: fd, offset: 0, inode: UInt(info.st_ino))
            }
            guard errno == ENOENT else { throw CRILogError.io(operation: "open", path: path, errno: errno) }
            if finished { return nil }
            try await Task.sleep(for: pollInterval)
        }
    }

    /// Bytes from the offset to the current end; restarts at 0 if the file shrank.
    private static func readAvailable(_ file: inout OpenFile, path: String) throws(CRILogError) -> Data {
        var info = stat()
        if fstat(file.fd, &info) == 0, Int64(info.st_size) < file.offset { file.offset = 0 }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { pread(file.fd, $0.baseAddress, $0.count, off_t(file.offset)) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .io(operation: "read", path: path, errno: errno)
            }
            if count == 0 { return data }
            data.append(contentsOf: buffer[0..<count])
            file.offset += Int64(count)
        }
    }

    /// A new file at `path` (rotated), if the path no longer names the open one.
    private static func replacement(of file: OpenFile, path: String) -> OpenFile? {
        var info = stat()
        guard stat(path, &info) == 0, UInt(info.st_ino) != file.inode else { return nil }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        return OpenFile(fd: fd, offset: 0, inode: UInt(info.st_ino))
    }

    static func readAll(_ path: String) throws(CRILogError) -> Data {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .io(operation: "open", path: path, errno: errno) }
        defer { close(fd) }
        var file = OpenFile(fd: fd, offset: 0, inode: 0)
        return try readAvailable(&file, path: path)
    }

    /// Newline-terminated lines (without the newline) and the unterminated rest.
    static func splitLines(_ data: Data.SubSequence) -> ([Data.SubSequence], Data.SubSequence) {
        var lines: [Data.SubSequence] = []
        var start = data.startIndex
        while let newline = data[start...].firstIndex(of: UInt8(ascii: "\n")) {
            lines.append(data[start..<newline])
            start = newline + 1
        }
        return (lines, data[start...])
    }

    static func passesSince(_ entry: CRILogEntry, _ options: CRILogOptions) -> Bool {
        guard let since = options.sinceTime else { return true }
        return entry.nanosecondsSinceEpoch >= CRITimestamp.nanoseconds(since)
    }
}

/// Joins `P` fragments with the following line of the same stream.
struct CRILogAssembler {
    private var partial: [CRILogStream: CRILogEntry] = [:]

    /// The whole line this raw line completes, if any; malformed lines are skipped.
    mutating func feed(_ raw: Data.SubSequence) -> [CRILogEntry] {
        guard let line = try? CRILogLine.parse(raw) else { return [] }
        var entry = partial.removeValue(forKey: line.stream)
            ?? CRILogEntry(nanosecondsSinceEpoch: line.nanosecondsSinceEpoch, stream: line.stream, content: Data(), complete: true)
        entry.content.append(line.content)
        if line.partial {
            partial[line.stream] = entry
            return []
        }
        return [entry]
    }

    /// Fragments still waiting for their final line, marked incomplete, oldest first.
    mutating func flush() -> [CRILogEntry] {
        defer { partial = [:] }
        return partial.values.map { entry in
            var copy = entry
            copy.complete = false
            return copy
        }.sorted { $0.nanosecondsSinceEpoch < $1.nanosecondsSinceEpoch }
    }
}
