import ArgumentParser
import BerthAPI
import BerthNode
import BerthRuntime
import Foundation

struct Logs: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print a container's logs (like kubectl logs).")

    @OptionGroup var node: NodeOptions
    @OptionGroup var selection: PodSelection

    @Argument(help: "The pod.") var pod: String
    @Option(name: .shortAndLong, help: "The container (default: the first).") var container: String?
    @Flag(name: .shortAndLong, help: "Follow the log until the container ends.") var follow = false
    @Flag(name: .shortAndLong, help: "The previous run of a restarted container.") var previous = false
    @Option(help: "Only the last N lines.") var tail: Int?
    @Flag(help: "Prefix each line with its RFC 3339 timestamp.") var timestamps = false

    func run() async throws {
        let paths = BerthPaths(root: node.root)
        let store = PodStore(runDirectory: paths.runDirectory)
        let found = try selection.find(pod, in: store)
        let name = try found.chooseContainer(container)
        let restartCount = Int(found.containerStatus(name)?.restartCount ?? 0)
        let attempt = previous ? restartCount - 1 : restartCount
        guard attempt >= 0 else {
            throw CLIError("Error from server (BadRequest): previous terminated container \"\(name)\" in pod \"\(pod)\" not found")
        }
        let path = paths.podLogDirectory(namespace: found.metadata.namespace ?? "default", name: found.metadata.name ?? "",
                                         uid: found.metadata.uid ?? "") + "/\(name)/\(attempt).log"
        let options = CRILogOptions(tailLines: tail, timestamps: timestamps)
        let reader = CRILogReader()
        if follow && !previous {
            let uid = found.metadata.uid ?? ""
            try await reader.follow(path: path, options: options, isFinished: {
                guard let current = store.load(uid: uid), let status = current.containerStatus(name) else { return true }
                return status.state?.running == nil && status.restartCount == restartCount
            }) { FileHandle.standardOutput.write($0) }
        } else {
            do { FileHandle.standardOutput.write(try reader.read(path: path, options: options)) } catch {
                throw CLIError("Error from server (BadRequest): container \"\(name)\" in pod \"\(pod)\" has no log yet")
            }
        }
    }
}
