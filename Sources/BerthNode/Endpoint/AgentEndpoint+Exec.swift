import BerthRuntime
import Foundation
import Glibc
import Hummingbird
import HummingbirdWebSocket
import Logging

/// Writes remote-command frames as binary WebSocket messages.
struct FrameWriter: Sendable {
    let outbound: WebSocketOutboundWriter

    func write(_ frame: RemoteCommandFrame) async throws {
        try await outbound.write(.binary(ByteBuffer(bytes: frame.encoded())))
    }
}

extension AgentEndpoint {
    /// Runs the command in the container with our pipes (or pty) as its stdio and relays:
    /// stdout/stderr → channels 1/2; channel 0 → stdin; `ff 00` → stdin EOF; channel 4 → pty
    /// size. Then the exit as a `Status` on channel 3, then the close (by the caller).
    func runExec(
        containerID: String, options: ExecOptions, protocolVersion: RemoteCommandProtocol?,
        inbound: WebSocketInboundStream, writer: FrameWriter, logger: Logger
    ) async {
        let stdio: ExecStdio
        do { stdio = try ExecStdio(options) } catch {
            try? await writer.write(error.status.frame())
            return
        }
        defer { stdio.closeAll() }
        let finished = ExecFinished()

        let pumps = Task {
            await withTaskGroup(of: Void.self) { group in
                if let reader = stdio.stdoutReader {
                    group.addTask { await Self.pump(reader, to: .stdout, writer: writer, logger: logger) }
                }
                if let reader = stdio.stderrReader {
                    group.addTask { await Self.pump(reader, to: .stderr, writer: writer, logger: logger) }
                }
            }
        }
        let input = Task {
            await Self.relayInput(inbound: inbound, stdio: stdio, finished: finished, logger: logger)
        }

        logger.debug("exec", metadata: ["command": "\(options.command)", "tty": "\(options.tty)"])
        let status: EndpointStatus
        do {
            let code = try await runtime.exec(containerID, argv: options.command, stdio: stdio.childFDs)
            status = .exit(command: options.command, code: code)
            logger.debug("exec finished", metadata: ["exitCode": "\(code)"])
        } catch {
            logger.info("exec failed", metadata: ["error": "\(error)"])
            status = .internalError("error executing command in container: \(error)")
        }
        finished.set()
        stdio.closeChildEnds()

        // What the command wrote before it exited still goes out, unless a child it left
        // behind keeps the pipes open: then stop after drainTimeout.
        let timeout = drainTimeout
        let timer = Task {
            try await Task.sleep(for: timeout)
            pumps.cancel()
        }
        await pumps.value
        timer.cancel()

        do { try await writer.write(status.frame()) } catch {
            logger.debug("exec status not delivered", metadata: ["error": "\(error)"])
        }
        // The input task must be done with the inbound stream before we return: the WebSocket
        // handler then reads it for the close handshake.
        input.cancel()
        await input.value
    }

    /// Copies one of the process's outputs into frames of `channel` until end of file.
    static func pump(_ reader: AsyncFileDescriptor, to channel: RemoteCommandChannel, writer: FrameWriter,
                     logger: Logger) async {
        do {
            while let bytes = try await reader.read() {
                try await writer.write(RemoteCommandFrame(channel: channel, payload: bytes))
            }
        } catch is CancellationError {
        } catch {
            logger.debug("exec output relay ended", metadata: ["channel": "\(channel)", "error": "\(error)"])
        }
    }

    /// Client messages until the client closes or the exec ends (this task is cancelled).
    /// A client that leaves before the command ends takes the command with it (SIGTERM via
    /// the shim), as the stream's end does in the kubelet.
    static func relayInput(inbound: WebSocketInboundStream, stdio: ExecStdio, finished: ExecFinished,
                           logger: Logger) async {
        let identity = stdio.childIdentity
        do {
            for try await message in inbound.messages(maxSize: 1 << 22) {
                guard case .binary(let buffer) = message else { continue }
                let frame = try RemoteCommandFrame.decode(buffer.readableBytesView)
                switch frame.channel {
                case .stdin:
                    guard let stdin = stdio.stdinWriter, !frame.payload.isEmpty else { continue }
                    do { try await stdin.write(frame.payload) } catch is CancellationError {
                        throw CancellationError()
                    } catch {
                        // EPIPE: the command stopped reading; drop the rest.
                        stdio.closeStdin()
                    }
                case .close:
                    if frame.payload.first == RemoteCommandChannel.stdin.rawValue { stdio.closeStdin() }
                case .resize:
                    stdio.resize(try TerminalSize.decode(frame.payload))
                case .stdout, .stderr, .error:
                    continue
                }
            }
        } catch is CancellationError {
            return
        } catch {
            logger.debug("exec input relay ended", metadata: ["error": "\(error)"])
        }
        guard !Task.isCancelled, !finished.isSet else { return }
        stdio.closeStdin()
        if let identity, let shim = ExecShimFinder.shimPID(holding: identity) {
            logger.info("exec client gone, stopping the command", metadata: ["shimPID": "\(shim)"])
            kill(shim, SIGTERM)
        }
    }
}

/// Set once the command has exited.
final class ExecFinished: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}
