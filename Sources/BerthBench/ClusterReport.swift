import BerthAPI
import BerthRuntime
import Foundation

/// When each step of a pod's start happened, in ms after its POST was sent: from the watch
/// (monotonic clock) and from the agent's own records on disk (wall clock): the pod's `owner`
/// file (the agent took the pod), `sandbox.json` (its last write marks the sandbox ready) and
/// each container's start time as its shim recorded it.
struct PhaseTable: Sendable {
    static let milestones = [
        "POST answered", "bound (watch)", "agent took the pod", "sandbox ready", "1st container started",
        "2nd container started", "Ready (watch)",
    ]
    /// Per milestone, one offset per pod that has it.
    var offsets: [[Double]]
    /// Per step between consecutive milestones, the per-pod durations.
    var steps: [[Double]]
    /// First status from the agent seen on the watch (overlaps the steps above).
    var firstStatus: [Double]

    static func collect(names: [String], timeline: PodTimeline, runtime: LinuxRuntime, paths: BerthPaths) -> PhaseTable {
        var sandboxes: [String: PodSandboxStatus] = [:]
        for sandbox in runtime.listPodSandboxes() { sandboxes[sandbox.config.uid] = sandbox }
        var offsets = Array(repeating: [Double](), count: milestones.count)
        var steps = Array(repeating: [Double](), count: milestones.count - 1)
        var firstStatus: [Double] = []
        for name in names {
            guard let times = timeline[name], let posted = times.posted, let postedWall = times.postedWall else { continue }
            let mono = { (instant: UInt64?) -> Double? in instant.map { Double($0 &- posted) / 1e6 } }
            let wall = { (instant: Int64?) -> Double? in instant.map { Double($0 - postedWall) / 1e6 } }
            var row: [Double?] = [mono(times.answered), mono(times.bound), nil, nil, nil, nil, mono(times.ready)]
            if let uid = times.uid {
                row[2] = wall(WallClock.mtime(paths.runDirectory + "/pods/" + uid + "/owner"))
                if let sandbox = sandboxes[uid] {
                    row[3] = wall(WallClock.mtime(paths.sandboxDirectory(sandbox.id) + "/sandbox.json"))
                    let starts = runtime.listContainers(sandboxID: sandbox.id).compactMap { $0.startedAt.flatMap(RFC3339.parse).map { Int64($0.timeIntervalSince1970 * 1e9) } }.sorted()
                    row[4] = wall(starts.first)
                    row[5] = wall(starts.count > 1 ? starts.last : nil)
                }
            }
            if let first = mono(times.firstStatus) { firstStatus.append(first) }
            for (index, value) in row.enumerated() { if let value { offsets[index].append(value) } }
            for index in 0..<(row.count - 1) {
                if let from = row[index], let to = row[index + 1] { steps[index].append(to - from) }
            }
        }
        return PhaseTable(offsets: offsets, steps: steps, firstStatus: firstStatus)
    }

    func render() -> String {
        var out = "  " + Table.pad("milestone", 26) + Table.pad("median", 9, right: true) + Table.pad("p99", 9, right: true)
            + Table.pad("step median", 14, right: true) + Table.pad("step p99", 11, right: true) + "\n"
        for (index, name) in Self.milestones.enumerated() {
            let values = Samples(values: offsets[index])
            var line = "  " + Table.pad(name, 26) + Table.pad(Table.ms(values.median), 9, right: true)
                + Table.pad(Table.ms(values.percentile(99)), 9, right: true)
            if index > 0 {
                let step = Samples(values: steps[index - 1])
                line += Table.pad("+" + Table.ms(step.median), 14, right: true) + Table.pad("+" + Table.ms(step.percentile(99)), 11, right: true)
            }
            out += line + "\n"
        }
        let first = Samples(values: firstStatus)
        out += "  " + Table.pad("(first status (watch))", 26) + Table.pad(Table.ms(first.median), 9, right: true)
            + Table.pad(Table.ms(first.percentile(99)), 9, right: true) + "\n"
        return out
    }
}

struct BatchResult: Sendable {
    var title: String
    var latency: Samples
    var phases: PhaseTable
    var loadAverage = ""
    var cpu: CPUReading?
    var memory: MemoryReading?
    var deletion: Double?
}

/// The whole report: latency table, targets, phases, memory, the peer, cleanup.
struct ClusterReport: Sendable {
    var pods: Int
    var pod: String
    var loadBefore: String
    var loadAfter = ""
    var idle: MemoryReading?
    var floorOneByOne: Samples?
    var floorAtOnce: Samples?
    var oneByOne: BatchResult?
    var atOnce: BatchResult?
    var podman: PodmanReference?
    var cleanup: CleanupResult?

    func render() -> String {
        let podText = pod == "sidecar" ? "a native sidecar + an app container" : "2 containers"
        var out = "\nberth-bench cluster: \(pods) pods of \(podText) (busybox `sleep 3600`), POST sent → Ready=True seen on a watch\n"
        out += "load average: \(loadBefore) at the start, \(loadAfter) at the end\n\n"
        let header = Table.pad("scenario", 30) + Table.pad("median", 9, right: true) + Table.pad("p99", 9, right: true)
            + Table.pad("min", 9, right: true) + Table.pad("max", 9, right: true) + "   load"
        out += header + "\n" + String(repeating: "-", count: header.count) + "\n"
        for batch in [oneByOne, atOnce].compactMap({ $0 }) {
            let s = batch.latency
            out += Table.pad("\(batch.title) (\(s.values.count))", 30) + Table.pad(Table.ms(s.median), 9, right: true)
                + Table.pad(Table.ms(s.percentile(99)), 9, right: true) + Table.pad(Table.ms(s.min), 9, right: true)
                + Table.pad(Table.ms(s.max), 9, right: true) + "   " + batch.loadAverage + "\n"
        }
        out += Table.pad("target", 30) + Table.pad("≤ 100", 9, right: true) + Table.pad("≤ 300", 9, right: true) + "\n"
        for (title, samples) in [("runtime alone, one by one", floorOneByOne), ("runtime alone, at once", floorAtOnce)] {
            guard let s = samples else { continue }
            out += Table.pad("\(title) (\(s.values.count))", 30) + Table.pad(Table.ms(s.median), 9, right: true)
                + Table.pad(Table.ms(s.percentile(99)), 9, right: true) + Table.pad(Table.ms(s.min), 9, right: true)
                + Table.pad(Table.ms(s.max), 9, right: true) + "\n"
        }
        if floorOneByOne != nil || floorAtOnce != nil {
            out += "(runtime alone: sandbox + containers created and started through an in-process LinuxRuntime,\n"
                + " no API, scheduler, agent or status; the floor under the cluster figures)\n"
        }
        out += "(ms; p99 is nearest-rank: the 99th of 100)\n"
        for batch in [oneByOne, atOnce].compactMap({ $0 }) {
            guard let cpu = batch.cpu, let server = cpu.server, let agent = cpu.agent else { continue }
            let perPod = (server + agent) * 1000 / Double(max(1, batch.latency.values.count))
            out += "CPU used during \(batch.title): server \(String(format: "%.2f", server)) s, agent \(String(format: "%.2f", agent)) s"
                + " (\(String(format: "%.1f", perPod)) ms per pod; the shims and the kernel work they do are not counted)\n"
        }
        if let podman {
            out += "\npeer: " + podman.render() + "\n"
        }
        for batch in [oneByOne, atOnce].compactMap({ $0 }) {
            out += "\n\(batch.title): when each step happened, ms after the POST (median, p99; step = since the previous line)\n"
            out += batch.phases.render()
        }
        out += "\nmemory (VmRSS from /proc/<pid>/status; targets: agent ≤ 40 MiB, server ≤ 60 MiB)\n"
        if let idle {
            out += "  node registered, no pods:     agent \(idle.agent?.summary ?? "?")\n"
            out += "                                server \(idle.server?.summary ?? "?")\n"
        }
        for batch in [oneByOne, atOnce].compactMap({ $0 }) {
            guard let memory = batch.memory else { continue }
            let label = Table.pad("\(pods) pods running (\(batch.title)):", 32)
            out += "  \(label)agent \(memory.agent?.summary ?? "?")\n"
            out += "  " + Table.pad("", 32) + "server \(memory.server?.summary ?? "?")\n"
        }
        if oneByOne != nil && atOnce != nil {
            out += "  (the one-by-one pods were deleted before the at-once batch: each reading is with \(pods) pods running)\n"
        }
        let deletions = [oneByOne, atOnce].compactMap { $0 }.compactMap { batch in
            batch.deletion.map { "\(batch.title) \(String(format: "%.1f", $0)) s" }
        }
        if !deletions.isEmpty {
            out += "\ndeletion (grace period 1 s) until the API has none and the node has removed every sandbox: "
                + deletions.joined(separator: ", ") + "\n"
        }
        if let cleanup {
            let exits = "agent exited \(cleanup.agentExit.map(String.init) ?? "?"), server \(cleanup.serverExit.map(String.init) ?? "?")"
            out += cleanup.leftovers.isEmpty
                ? "cleanup verified: no sandboxes, pod records, mounts, cgroups or processes left (\(exits))\n"
                : "cleanup: LEFT BEHIND: \(cleanup.leftovers.joined(separator: "; ")) (\(exits))\n"
        }
        return out
    }
}
