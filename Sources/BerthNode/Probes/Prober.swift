import BerthRuntime

/// What one run of a probe gave, with the output the kubelet puts in its events.
public enum ProbeOutcome: Sendable, Equatable {
    case success(output: String)
    case failure(output: String)
    /// The probe could not be run at all. The kubelet records "<Kind> probe errored: ..." and
    /// throws the result away: it counts toward neither threshold.
    case error(String)
}

/// The container a probe runs against.
public struct ProbeTarget: Sendable, Equatable {
    public var containerID: String
    public var sandboxID: String

    public init(containerID: String, sandboxID: String) {
        self.containerID = containerID
        self.sandboxID = sandboxID
    }
}

/// Runs one probe once (the kubelet's prober.runProbe). A protocol so that the pod worker's
/// probe logic is tested with a scripted fake, and the real one against the kernel.
public protocol Prober: Sendable {
    func probe(_ action: ProbeAction, target: ProbeTarget, timeout: Duration) async -> ProbeOutcome
}

/// The node's prober: exec through the runtime (as CRI's ExecSync), httpGet and tcpSocket
/// from inside the pod's network namespace (the agent's own only for a runtime that pins
/// none; a sandbox it cannot look up makes the run error, never a probe of the host).
public struct RuntimeProber: Prober {
    /// The kubelet keeps at most 10 KiB of an exec probe's output.
    public static let outputLimit = 10 << 10

    let runtime: any ContainerRuntime

    public init(runtime: any ContainerRuntime) { self.runtime = runtime }

    public func probe(_ action: ProbeAction, target: ProbeTarget, timeout: Duration) async -> ProbeOutcome {
        switch action {
        case .exec(let command):
            do {
                let result = try await runtime.execSync(target.containerID, argv: command, timeout: timeout,
                                                        outputLimit: Self.outputLimit)
                if result.timedOut {
                    return .failure(output: "command \"\(command.joined(separator: " "))\" timed out")
                }
                let output = String(decoding: result.output, as: UTF8.self)
                return result.exitCode == 0 ? .success(output: output) : .failure(output: output)
            } catch {
                return .error(error.description)
            }
        case .httpGet(let request):
            do {
                let netns = try runtime.podSandboxStatus(target.sandboxID).networkNamespace
                return await NetworkProbe.http(request, networkNamespace: netns, timeout: timeout)
            } catch {
                return .error(error.description)
            }
        case .tcpSocket(let host, let port):
            do {
                let netns = try runtime.podSandboxStatus(target.sandboxID).networkNamespace
                return await NetworkProbe.tcp(host: host, port: port, networkNamespace: netns, timeout: timeout)
            } catch {
                return .error(error.description)
            }
        case .unsupported(let message):
            return .error(message)
        }
    }
}
