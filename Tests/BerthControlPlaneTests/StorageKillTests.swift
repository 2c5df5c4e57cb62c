import Foundation
import Testing
@testable import BerthControlPlane

#if canImport(Glibc)
import Glibc
#endif

/// Durability against `kill -9`: this test binary runs itself again as a child that writes to
/// a SQLiteBackend from several tasks and reports each acknowledged write on stdout; the
/// parent kills it with SIGKILL mid-stream, reopens the file and checks that every write the
/// child saw acknowledged is there, and that a watch resumes from an acknowledged revision.
@Suite("Storage: kill -9 durability")
struct StorageKillTests {
    static let childEnvironment = "BERTH_STORAGE_KILL_CHILD_DB"
    static let ackPrefix = "berth-storage-ack "

    @Test("writes acknowledged before SIGKILL are in the file after a reopen")
    func acknowledgedWritesSurviveSIGKILL() async throws {
        let scratch = try StorageScratch()
        defer { scratch.remove() }
        let executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")

        let child = Process()
        child.executableURL = URL(fileURLWithPath: executable)
        child.arguments = ["--testing-library", "swift-testing", "--filter", "storageKillChildWriter"]
        child.environment = ProcessInfo.processInfo.environment.merging([Self.childEnvironment: scratch.databasePath]) { $1 }
        let output = Pipe()
        child.standardOutput = output
        child.standardError = FileHandle.nullDevice
        let reader = PipeReader(output.fileHandleForReading)
        try child.run()
        defer { if child.isRunning { kill(child.processIdentifier, SIGKILL) } }

        // Kill it once it has acknowledged a good number of writes, while it is still writing.
        let enough = await StorageTestSupport.poll(timeout: .seconds(60)) { reader.acks(prefix: Self.ackPrefix).count >= 300 }
        #expect(enough, "the child acknowledged \(reader.acks(prefix: Self.ackPrefix).count) writes")
        kill(child.processIdentifier, SIGKILL)
        child.waitUntilExit()
        #expect(child.terminationReason == .uncaughtSignal && child.terminationStatus == SIGKILL)
        reader.waitForEnd()

        // Every line that reached the pipe was written after its write was acknowledged.
        let acks = reader.acks(prefix: Self.ackPrefix).compactMap { line -> (key: String, revision: Int64)? in
            let parts = line.split(separator: " ")
            guard parts.count == 2, let revision = Int64(parts[1]) else { return nil }
            return (String(parts[0]), revision)
        }
        #expect(acks.count >= 300)

        let reopened = try SQLiteBackend(path: scratch.databasePath)
        let revision = try await reopened.currentRevision()
        var missing: [String] = []
        for ack in acks {
            let object = try await reopened.get(ack.key)
            if object?.modRevision != ack.revision { missing.append("\(ack.key)@\(ack.revision)") }
        }
        #expect(missing.isEmpty, "acknowledged but lost: \(missing.prefix(10))")
        let highest = acks.map(\.revision).max() ?? 0
        #expect(revision >= highest)
        print("storage[kill -9]: \(acks.count) acknowledged writes, store revision after reopen \(revision)")

        // A watch from an acknowledged revision resumes: replay up to the store's revision.
        let resumeFrom = max(0, highest - 50)
        let stream = try await reopened.watch(prefix: "/registry/", afterRevision: resumeFrom)
        let replayed = await StorageTestSupport.collect(stream, count: Int(revision - resumeFrom)).events
        #expect(replayed.map(\.revision) == Array((resumeFrom + 1)...max(resumeFrom + 1, revision)).filter { $0 <= revision })
        try reopened.close()
    }

    /// The child's half of the test above; does nothing in a normal run.
    @Test("storageKillChildWriter (child process of the kill -9 test)")
    func storageKillChildWriter() async throws {
        guard let path = ProcessInfo.processInfo.environment[Self.childEnvironment] else { return }
        let store = try SQLiteBackend(path: path)
        let stdout = FileHandle.standardOutput
        await withTaskGroup(of: Void.self) { group in
            for writer in 0..<8 {
                group.addTask {
                    var index = 0
                    while true {  // until SIGKILL
                        let key = "/registry/pods/kill/w\(writer)-\(index)"
                        guard let object = try? await store.create(key, value: Data("\(index)".utf8)) else { return }
                        // One write(2) per line, unbuffered, so the parent sees it at once.
                        stdout.write(Data("\(Self.ackPrefix)\(key) \(object.modRevision)\n".utf8))
                        index += 1
                    }
                }
            }
        }
    }
}

/// Reads a pipe to its end on a thread of its own, keeping complete lines.
final class PipeReader: @unchecked Sendable {
    private let lock = NSLock()
    private var buffer = Data()
    private var ended = false
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                lock.withLock { buffer.append(chunk) }
            }
            lock.withLock { ended = true }
            done.signal()
        }
    }

    func waitForEnd() { done.wait() }

    /// Complete lines that start with `prefix`, without it.
    func acks(prefix: String) -> [String] {
        let text = lock.withLock { String(decoding: buffer, as: UTF8.self) }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        lines.removeLast()  // the part after the last newline is not a complete line yet
        return lines.filter { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }
    }
}
