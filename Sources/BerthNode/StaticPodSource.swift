import BerthAPI
import Foundation

/// Static pods: every Pod manifest in a directory (the kubelet's file source). A pod's UID is
/// a hash of its file path, document index and content, so an unchanged file keeps its pod
/// across agent restarts and a changed file replaces it.
public struct StaticPodSource: Sendable {
    public let directory: String

    public init(directory: String) { self.directory = URL(fileURLWithPath: directory).standardizedFileURL.path }

    public struct Problem: Sendable, CustomStringConvertible {
        public var file: String
        public var message: String
        public var description: String { "\(file): \(message)" }
    }

    /// The pods the directory asks for now, keyed by UID, and the files that could not be used.
    public func desiredPods() -> (pods: [String: Pod], problems: [Problem]) {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
        var pods: [String: Pod] = [:]
        var problems: [Problem] = []
        for name in names where [".yaml", ".yml", ".json"].contains(where: name.hasSuffix) && !name.hasPrefix(".") {
            let path = directory + "/" + name
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { continue }
            do {
                let decoded = try decodePods(yaml: text, strict: false)
                for (index, decodedPod) in decoded.pods.enumerated() {
                    var pod = decodedPod.withDefaults()
                    let errors = pod.validate()
                    guard errors.isEmpty else {
                        problems.append(Problem(file: path, message: errors.map(\.description).joined(separator: "; ")))
                        continue
                    }
                    let uid = Self.uid(path: path, index: index, content: text)
                    pod.metadata.uid = uid
                    var annotations = pod.metadata.annotations ?? [:]
                    annotations["kubernetes.io/config.source"] = "file"
                    annotations["kubernetes.io/config.hash"] = uid
                    annotations["berth.dev/manifest"] = path
                    pod.metadata.annotations = annotations
                    pods[uid] = pod
                }
            } catch {
                problems.append(Problem(file: path, message: error.description))
            }
        }
        return (pods, problems)
    }

    /// A stable UUID-shaped hash (FNV-1a, 128 bits from two 64-bit lanes).
    static func uid(path: String, index: Int, content: String) -> String {
        var a: UInt64 = 0xcbf2_9ce4_8422_2325, b: UInt64 = 0x8422_2325_cbf2_9ce4
        for byte in Array("\(path)\u{0}\(index)\u{0}\(content)".utf8) {
            a = (a ^ UInt64(byte)) &* 0x100_0000_01b3
            b = (b ^ UInt64(byte)) &* 0x100_0000_01b3 ^ (b >> 29)
        }
        let hex = String(format: "%016llx%016llx", a, b)
        let c = Array(hex)
        return "\(String(c[0..<8]))-\(String(c[8..<12]))-\(String(c[12..<16]))-\(String(c[16..<20]))-\(String(c[20..<32]))"
    }
}
