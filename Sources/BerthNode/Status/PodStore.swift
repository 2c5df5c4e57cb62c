import BerthAPI
import BerthRuntime
import Foundation

/// The pods this node knows, one directory per pod UID under `<run>/pods`: `pod.json` (the
/// Pod with its latest status), `owner` (the PID of the berth process that runs it) and
/// `delete` (a deletion request from another berth process, holding the grace period).
/// Files, not a database, so that `berth get` works with or without a running agent.
public struct PodStore: Sendable {
    public let directory: String

    public init(runDirectory: String) { directory = runDirectory + "/pods" }

    func podDirectory(_ uid: String) -> String { directory + "/" + uid }

    /// Replaces the pod's `pod.json`. The pod's directory must exist (`setOwner` makes it):
    /// a status write that lands after the pod was removed must not bring its record back.
    public func save(_ pod: Pod) throws(PodStoreError) {
        guard let uid = pod.metadata.uid else { return }
        let path = podDirectory(uid) + "/pod.json"
        do {
            try FileTree.replaceUnsynced([UInt8](encodeJSON(pod, pretty: true)), at: path)
        } catch {
            if case .system(_, _, ENOENT) = error { throw .recordRemoved(uid: uid) }
            throw .write(error)
        }
    }

    public func load(uid: String) -> Pod? {
        guard let data = FileManager.default.contents(atPath: podDirectory(uid) + "/pod.json") else { return nil }
        return try? JSONDecoder().decode(Pod.self, from: data)
    }

    public func list() -> [Pod] {
        let uids = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return uids.compactMap { load(uid: $0) }.sorted {
            ($0.metadata.namespace ?? "", $0.metadata.name ?? "") < ($1.metadata.namespace ?? "", $1.metadata.name ?? "")
        }
    }

    public func find(namespace: String, name: String) -> Pod? {
        list().first { $0.metadata.namespace == namespace && $0.metadata.name == name }
    }

    public func remove(uid: String) {
        try? FileManager.default.removeItem(atPath: podDirectory(uid))
    }

    // MARK: ownership and deletion requests

    public func setOwner(uid: String, pid: Int32 = getpid()) throws {
        try FileManager.default.createDirectory(atPath: podDirectory(uid), withIntermediateDirectories: true)
        try FileTree.replaceUnsynced(Array("\(pid)\n".utf8), at: podDirectory(uid) + "/owner")
    }

    /// The PID of the live berth process that runs the pod, if there is one.
    public func liveOwner(uid: String) -> Int32? {
        guard let text = try? String(contentsOfFile: podDirectory(uid) + "/owner", encoding: .utf8),
              let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 0 else { return nil }
        guard kill(pid, 0) == 0, let cmdline = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return nil }
        let argv0 = cmdline.split(separator: 0).first.map { String(decoding: $0, as: UTF8.self) } ?? ""
        // A zombie or a recycled PID is not an owner.
        let state = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8))?.split(separator: " ").dropFirst(2).first
        return argv0.hasSuffix("berth") && state != "Z" ? pid : nil
    }

    public func requestDeletion(uid: String, gracePeriodSeconds: Double?) throws {
        try "\(gracePeriodSeconds.map { String($0) } ?? "")\n".write(toFile: podDirectory(uid) + "/delete", atomically: true, encoding: .utf8)
    }

    /// nil: no request; .some(nil): use the pod's own grace period.
    public func deletionRequest(uid: String) -> Double?? {
        guard let text = try? String(contentsOfFile: podDirectory(uid) + "/delete", encoding: .utf8) else { return nil }
        return .some(Double(text.trimmingCharacters(in: .whitespacesAndNewlines)))
    }
}

public enum PodStoreError: Error, CustomStringConvertible, Sendable {
    /// The pod's directory is gone: the pod (or the node's run directory) was removed.
    case recordRemoved(uid: String)
    case write(RuntimeError)

    public var description: String {
        switch self {
        case .recordRemoved(let uid): "the record of pod \(uid) was removed"
        case .write(let error): "\(error)"
        }
    }
}
