import ArgumentParser
import Foundation
import Logging

@main
struct Berth: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "berth",
        abstract: "Run Kubernetes pods, with their sidecars, as real containers on this host.",
        subcommands: [Run.self, Agent.self, Server.self, Up.self, Get.self, Describe.self, Logs.self, Exec.self, Delete.self])
}

/// Flags every command shares.
struct NodeOptions: ParsableArguments {
    @Option(help: "Keep all state under this directory (default: /run/berth, /var/lib/berth, /var/log/pods).")
    var root: String?

    @Option(help: "Directory of image root filesystems (default: ./rootfs when present, else <data dir>/rootfs).")
    var images: String?

    @Option(help: "Name of Berth's cgroup, created below the cgroup berth runs in.")
    var cgroupParent: String = "berth"

    @Option(help: "Log level: trace, debug, info, notice, warning, error.")
    var logLevel: String = "warning"

    func makeLogger(_ label: String) -> Logger {
        let level = Logger.Level(rawValue: logLevel) ?? .warning
        LoggingBootstrap.once(level: level)
        return Logger(label: label)
    }
}

enum LoggingBootstrap {
    nonisolated(unsafe) private static var done = false
    static func once(level: Logger.Level) {
        guard !done else { return }
        done = true
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}

/// A failure the user can act on: printed as one line, exit code 1.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
