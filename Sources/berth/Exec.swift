import ArgumentParser
import BerthAPI
import BerthNode
import BerthRuntime
import Foundation

struct Exec: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a command in a running container (like kubectl exec, non-interactive).")

    @OptionGroup var node: NodeOptions
    @OptionGroup var selection: PodSelection

    @Argument(help: "The pod.") var pod: String
    @Option(name: .shortAndLong, help: "The container (default: the first).") var container: String?
    @Argument(parsing: .postTerminator, help: "The command and its arguments, after --.") var command: [String] = []

    func validate() throws {
        guard !command.isEmpty else { throw ValidationError("you must specify at least one command for the container (after --)") }
    }

    func run() async throws {
        let logger = node.makeLogger("berth.exec")
        let environment = try NodeEnvironment(root: node.root, images: node.images, cgroupParent: node.cgroupParent, logger: logger)
        let found = try selection.find(pod, in: environment.store)
        let name = try found.chooseContainer(container)
        guard let status = found.containerStatus(name), status.state?.running != nil,
              let id = status.containerID?.replacingOccurrences(of: "berth://", with: "") else {
            throw CLIError("error: unable to upgrade connection: container not found (\"\(name)\")")
        }
        let code: Int32
        do { code = try await environment.runtime.exec(id, argv: command, stdio: [0, 1, 2]) } catch {
            throw CLIError("error: \(error.description)")
        }
        if code != 0 {
            FileHandle.standardError.write(Data("command terminated with exit code \(code)\n".utf8))
            throw ExitCode(code)
        }
    }
}
