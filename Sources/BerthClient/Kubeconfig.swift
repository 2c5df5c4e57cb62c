import BerthAPI
import Foundation

/// The smallest kubeconfig kubectl accepts: one cluster, one user, one context, all named
/// `berth` (plain HTTP on loopback, no credentials, in this issue).
public enum Kubeconfig {
    public static let contextName = "berth"

    public static func render(server: String, namespace: String? = nil) -> String {
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: \(contextName)
          cluster:
            server: \(quotedYAML(server))
        users:
        - name: \(contextName)
          user: {}
        contexts:
        - name: \(contextName)
          context:
            cluster: \(contextName)
            user: \(contextName)\(namespace.map { "\n    namespace: \(quotedYAML($0))" } ?? "")
        current-context: \(contextName)
        preferences: {}

        """
    }

    /// Writes the kubeconfig atomically, readable by its owner only (as kubeadm writes admin.conf).
    public static func write(server: String, path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        try render(server: server).write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
    }

    public enum ReadError: Error, Sendable, CustomStringConvertible {
        case unreadable(path: String, reason: String)
        case invalid(path: String, reason: String)

        public var description: String {
            switch self {
            case .unreadable(let path, let reason): return "kubeconfig \(path) cannot be read: \(reason)"
            case .invalid(let path, let reason): return "kubeconfig \(path) is not usable: \(reason)"
            }
        }
    }

    /// The server URL of the current context (or of `context`) in a kubeconfig file.
    public static func server(path: String, context: String? = nil) throws(ReadError) -> String {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw .unreadable(path: path, reason: "\(error.localizedDescription)")
        }
        let config: JSONValue
        do { config = try JSONValue(parsingYAMLDocument: text) } catch {
            throw .invalid(path: path, reason: error.description)
        }
        guard let contextName = context ?? config["current-context"]?.stringValue else {
            throw .invalid(path: path, reason: "no current-context")
        }
        func named(_ list: String, _ name: String) -> JSONValue? {
            config[list]?.arrayValue?.first { $0["name"]?.stringValue == name }
        }
        guard let clusterName = named("contexts", contextName)?["context"]?["cluster"]?.stringValue else {
            throw .invalid(path: path, reason: "context \(quoted(contextName)) not found")
        }
        guard let server = named("clusters", clusterName)?["cluster"]?["server"]?.stringValue else {
            throw .invalid(path: path, reason: "cluster \(quoted(clusterName)) has no server")
        }
        return server
    }

    static func quoted(_ s: String) -> String { "\"\(s)\"" }

    /// A YAML double-quoted scalar (JSON string syntax is valid YAML).
    static func quotedYAML(_ s: String) -> String {
        String(decoding: encodeJSON(s), as: UTF8.self)
    }
}
