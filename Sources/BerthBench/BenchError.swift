import ArgumentParser
import BerthRuntime
import Foundation

/// Why the benchmark stopped. Every case says what was being done, so the message alone is
/// enough to act on.
enum BenchError: Error, CustomStringConvertible {
    case notRoot
    case missingFile(path: String, hint: String)
    case system(operation: String, path: String, errno: Int32)
    case spawn(command: String, errno: Int32)
    case commandFailed(command: String, status: Int32, output: String)
    case runtime(step: String, error: RuntimeError)
    case unexpectedExit(container: String, exit: ContainerExit?)
    case manifest(String)
    case peer(String)
    case cluster(String)
    case interrupted

    var description: String {
        switch self {
        case .notRoot:
            return "berth-bench needs root (namespaces, mounts, cgroups)"
        case .missingFile(let path, let hint):
            return "\(path) not found: \(hint)"
        case .system(let operation, let path, let errno):
            return "\(operation) \(path): \(String(cString: strerror(errno)))"
        case .spawn(let command, let errno):
            return "cannot start \(command): \(String(cString: strerror(errno)))"
        case .commandFailed(let command, let status, let output):
            let tail = output.split(separator: "\n").suffix(5).joined(separator: "\n  ")
            return "\(command) failed (status \(status))" + (tail.isEmpty ? "" : ":\n  " + tail)
        case .runtime(let step, let error):
            return "berth \(step): \(error)"
        case .unexpectedExit(let container, let exit):
            guard let exit else { return "container \(container) never started" }
            return "container \(container) exited \(exit.exitCode) (\(exit.reason)) \(exit.message)"
        case .manifest(let message):
            return "benchmark pod manifest: \(message)"
        case .peer(let message):
            return "crun peer: \(message)"
        case .cluster(let message):
            return message
        case .interrupted:
            return "interrupted"
        }
    }
}

/// A prepared scenario of `berth-bench`: it measures, then removes everything it made.
protocol MeasuredScenario: Sendable {
    func measure() async throws(BenchError) -> String
    func cleanup() async
}

extension Bench: MeasuredScenario {}
extension ClusterBench: MeasuredScenario {}

/// Measures, always cleans up (also after a failure or Ctrl-C), then prints the report; on a
/// failure prints the error and exits 1 (130 after Ctrl-C).
func measureAndReport(_ scenario: some MeasuredScenario) async throws {
    let outcome: Result<String, BenchError>
    do throws(BenchError) {
        outcome = .success(try await scenario.measure())
    } catch {
        outcome = .failure(error)
    }
    await scenario.cleanup()
    switch outcome {
    case .success(let report):
        print(report)
    case .failure(let error):
        FileHandle.standardError.write(Data("berth-bench: \(error)\n".utf8))
        throw ExitCode(error.isInterrupt ? 130 : 1)
    }
}
