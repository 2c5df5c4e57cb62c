import Foundation

/// What the runtime keeps on disk about one container (`meta.json` in its directory), so that
/// a restarted agent, or another `berth` process, sees the same containers.
public struct ContainerRecord: Codable, Sendable, Equatable {
    public var id: String
    public var sandboxID: String
    public var config: ContainerConfig
    public var imageID: String
    public var imageRootfs: String
    public var logPath: String
    public var cgroup: [String]
    public var createdAt: String
}

/// Reads the files berth-shim writes in a container's state directory.
enum ContainerStateFiles {
    struct Started: Equatable {
        var shimPID: Int32
        var containerPID: Int32
        var startedAt: String
    }

    /// `pid`: "<shim-pid> <container-pid> <startedAt>".
    static func readStarted(directory: String) -> Started? {
        guard let text = try? String(contentsOfFile: directory + "/pid", encoding: .utf8) else { return nil }
        let fields = text.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
        guard fields.count >= 3, let shim = Int32(fields[0]), let container = Int32(fields[1]) else { return nil }
        return Started(shimPID: shim, containerPID: container, startedAt: fields[2])
    }

    /// `exit`: key=value lines.
    static func readExit(directory: String) -> ContainerExit? {
        guard let text = try? String(contentsOfFile: directory + "/exit", encoding: .utf8) else { return nil }
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let eq = line.firstIndex(of: "=") else { continue }
            values[String(line[..<eq])] = String(line[line.index(after: eq)...])
        }
        guard let code = values["exitCode"].flatMap({ Int32($0) }) else { return nil }
        return ContainerExit(exitCode: code, signal: values["signal"].flatMap { Int32($0) } ?? 0,
                             reason: values["reason"] ?? (code == 0 ? "Completed" : "Error"),
                             message: ShimLauncher.percentDecode(values["message"] ?? ""),
                             startedAt: values["startedAt"] ?? "", finishedAt: values["finishedAt"] ?? "")
    }

    /// Written by the agent when it had to kill a container whose shim had vanished, so that
    /// the container still reads as exited.
    static func writeExit(directory: String, _ exit: ContainerExit) throws {
        let text = "exitCode=\(exit.exitCode)\nsignal=\(exit.signal)\nreason=\(exit.reason)\nstartedAt=\(exit.startedAt)\nfinishedAt=\(exit.finishedAt)\nmessage=\(exit.message)\n"
        try text.write(toFile: directory + "/exit.tmp", atomically: false, encoding: .utf8)
        guard rename(directory + "/exit.tmp", directory + "/exit") == 0 else {
            throw RuntimeError.system(operation: "rename", path: directory + "/exit", errno: errno)
        }
    }
}

enum Timestamp {
    /// RFC 3339 with nanoseconds in UTC, as the shim writes them.
    static func nowRFC3339Nano() -> String {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        var seconds = time_t(ts.tv_sec)
        var tm = tm()
        gmtime_r(&seconds, &tm)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
                      tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec)
    }

    static func randomID() -> String {
        (0..<4).map { _ in String(format: "%08x", UInt32.random(in: 0...UInt32.max)) }.joined()
    }
}
