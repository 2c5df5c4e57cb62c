import Foundation

/// Progress on stderr (one rewritten line on a terminal, a line per 10 iterations otherwise)
/// and the result table on stdout.
struct Progress {
    let isTerminal = isatty(2) == 1

    func update(_ scenario: String, phase: String, done: Int, total: Int, berth: Double?, peer: Double?) {
        let last = [berth.map { String(format: "berth %.1f ms", $0) }, peer.map { String(format: "crun %.1f ms", $0) }]
            .compactMap { $0 }.joined(separator: ", ")
        let text = "\(scenario): \(phase) \(done)/\(total)" + (last.isEmpty ? "" : "  (last: \(last))")
        if isTerminal {
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + text + (done == total ? "\n" : "")).utf8))
        } else if done == total || done % 10 == 0 {
            FileHandle.standardError.write(Data((text + "\n").utf8))
        }
    }

    func note(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}

struct ScenarioResult {
    var title: String
    var included: String
    var berth: Samples
    var peer: Samples

    var ratio: Double { berth.median / peer.median }
}

enum Table {
    static func ms(_ value: Double) -> String { String(format: "%.1f", value) }

    static func mib(_ kib: Int?) -> String {
        guard let kib else { return "n/a" }
        return String(format: "%.2f MiB", Double(kib) / 1024)
    }

    static func render(_ results: [ScenarioResult], iterations: Int, warmups: Int, rss: [(String, String)]) -> String {
        var out = "\nberth-bench runtime: \(iterations) iterations per runtime after \(warmups) warm-ups, "
        out += "Berth and crun alternating\n\n"
        let header = pad("scenario", 44) + pad("runtime", 9) + pad("median ms", 11, right: true) + pad("min–max ms", 17, right: true)
            + pad("ratio", 8, right: true)
        out += header + "\n" + String(repeating: "-", count: header.count) + "\n"
        for result in results {
            out += pad(result.title, 44) + pad("berth", 9) + pad(ms(result.berth.median), 11, right: true)
                + pad(ms(result.berth.min) + "–" + ms(result.berth.max), 17, right: true)
                + pad(String(format: "%.2f", result.ratio), 8, right: true) + "\n"
            out += pad("", 44) + pad("crun", 9) + pad(ms(result.peer.median), 11, right: true)
                + pad(ms(result.peer.min) + "–" + ms(result.peer.max), 17, right: true) + "\n"
        }
        out += "(ratio = median Berth / median crun; ≤ 1.00 means Berth is as fast or faster)\n\n"
        for result in results { out += "\(result.title):\n  \(result.included)\n" }
        out += "\npeak RSS (VmHWM from /proc/<pid>/status)\n"
        for (label, value) in rss { out += "  " + pad(label, 62) + value + "\n" }
        return out
    }

    static func pad(_ text: String, _ width: Int, right: Bool = false) -> String {
        let count = text.count
        guard count < width else { return text + " " }
        let spaces = String(repeating: " ", count: width - count)
        return right ? spaces + text : text + spaces
    }
}
