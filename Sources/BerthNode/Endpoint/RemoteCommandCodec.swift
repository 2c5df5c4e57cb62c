import Foundation

/// The Kubernetes remote-command WebSocket protocols (`v5.channel.k8s.io`, `v4.channel.k8s.io`):
/// every binary message starts with one byte naming its channel. Pure: no I/O.
public enum RemoteCommandProtocol: String, Sendable, CaseIterable {
    case v5 = "v5.channel.k8s.io"
    case v4 = "v4.channel.k8s.io"

    /// The protocol to answer for the client's `Sec-WebSocket-Protocol` offer (comma-separated,
    /// possibly over several header lines): the newest one both sides speak, nil when none.
    public static func negotiate(offered headerValues: [String]) -> RemoteCommandProtocol? {
        let offered = Set(headerValues.flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) })
        return allCases.first { offered.contains($0.rawValue) }
    }
}

/// The channel byte of a remote-command message.
public enum RemoteCommandChannel: UInt8, Sendable {
    case stdin = 0
    case stdout = 1
    case stderr = 2
    /// Server to client, once, at the end: a `Status` as JSON.
    case error = 3
    /// Client to server: `{"Width":w,"Height":h}`.
    case resize = 4
    /// v5 only: the payload is one byte, the channel being closed (`ff 00`: stdin hit EOF).
    case close = 255
}

/// One remote-command message: channel byte + payload.
public struct RemoteCommandFrame: Sendable, Equatable {
    public var channel: RemoteCommandChannel
    public var payload: [UInt8]

    public init(channel: RemoteCommandChannel, payload: [UInt8]) {
        self.channel = channel
        self.payload = payload
    }

    public func encoded() -> [UInt8] { [channel.rawValue] + payload }

    /// Parses a received message. An empty message or an unknown channel is an error (the
    /// kubelet closes the stream on those).
    public static func decode(_ bytes: some Collection<UInt8>) throws(RemoteCommandError) -> RemoteCommandFrame {
        guard let first = bytes.first else { throw .emptyMessage }
        guard let channel = RemoteCommandChannel(rawValue: first) else { throw .unknownChannel(first) }
        return RemoteCommandFrame(channel: channel, payload: Array(bytes.dropFirst()))
    }
}

public enum RemoteCommandError: Error, Equatable, CustomStringConvertible {
    case emptyMessage
    case unknownChannel(UInt8)
    case invalidResize(String)

    public var description: String {
        switch self {
        case .emptyMessage: "remote command: empty message (no channel byte)"
        case .unknownChannel(let byte): "remote command: unknown channel \(byte)"
        case .invalidResize(let text): "remote command: invalid terminal size \(text)"
        }
    }
}

/// A resize request (channel 4). client-go's `TerminalSize` has no JSON tags, hence the
/// capitalised keys.
public struct TerminalSize: Codable, Sendable, Equatable {
    public var width: UInt16
    public var height: UInt16

    public init(width: UInt16, height: UInt16) {
        self.width = width
        self.height = height
    }

    enum CodingKeys: String, CodingKey {
        case width = "Width"
        case height = "Height"
    }

    public static func decode(_ payload: [UInt8]) throws(RemoteCommandError) -> TerminalSize {
        do { return try JSONDecoder().decode(TerminalSize.self, from: Data(payload)) } catch {
            throw .invalidResize(String(decoding: payload, as: UTF8.self))
        }
    }
}

/// A Kubernetes `Status` object (metav1.Status) as the agent endpoint answers it: on channel 3
/// at the end of an exec, and as the body of its HTTP errors.
public struct EndpointStatus: Codable, Sendable, Equatable {
    public struct Cause: Codable, Sendable, Equatable {
        public var reason: String?
        public var message: String?
        public var field: String?
    }

    public struct Details: Codable, Sendable, Equatable {
        public var name: String?
        public var kind: String?
        public var causes: [Cause]?
    }

    public struct Metadata: Codable, Sendable, Equatable {}

    public var kind: String?
    public var apiVersion: String?
    public var metadata = Metadata()
    public var status: String
    public var message: String?
    public var reason: String?
    public var details: Details?
    public var code: Int?

    /// `{"metadata":{},"status":"Success"}`, what the kubelet sends when the command exits 0.
    public static let success = EndpointStatus(status: "Success")

    /// The channel-3 status for a command that exited non-zero. kubectl reads the exit code
    /// from the `ExitCode` cause, prints `command terminated with exit code N` and exits N.
    public static func nonZeroExit(command: [String], code: Int32) -> EndpointStatus {
        EndpointStatus(
            status: "Failure",
            message: "command terminated with non-zero exit code: error executing command [\(command.joined(separator: " "))], exit code \(code)",
            reason: "NonZeroExitCode",
            details: Details(causes: [Cause(reason: "ExitCode", message: "\(code)")]))
    }

    /// The status of an exec that ended: Success for 0, NonZeroExitCode otherwise.
    public static func exit(command: [String], code: Int32) -> EndpointStatus {
        code == 0 ? .success : .nonZeroExit(command: command, code: code)
    }

    /// A failure as the API server writes one (kind/apiVersion set, HTTP code and reason).
    public static func failure(code: Int, reason: String, message: String, name: String? = nil,
                               kind: String? = nil) -> EndpointStatus {
        EndpointStatus(kind: "Status", apiVersion: "v1", status: "Failure", message: message, reason: reason,
                       details: name == nil && kind == nil ? nil : Details(name: name, kind: kind), code: code)
    }

    public static func podNotFound(_ pod: String) -> EndpointStatus {
        failure(code: 404, reason: "NotFound", message: "pods \"\(pod)\" not found", name: pod, kind: "pods")
    }

    public static func badRequest(_ message: String) -> EndpointStatus {
        failure(code: 400, reason: "BadRequest", message: message)
    }

    public static func internalError(_ message: String) -> EndpointStatus {
        failure(code: 500, reason: "InternalError", message: "Internal error occurred: \(message)")
    }

    /// Compact JSON with sorted keys.
    public func encoded() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? Array(encoder.encode(self))) ?? Array(#"{"metadata":{},"status":"Failure"}"#.utf8)
    }

    /// The channel-3 message carrying this status.
    public func frame() -> RemoteCommandFrame { RemoteCommandFrame(channel: .error, payload: encoded()) }
}
