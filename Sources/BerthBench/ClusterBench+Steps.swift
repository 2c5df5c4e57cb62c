import BerthAPI
import BerthClient
import BerthRuntime
import Foundation

extension ClusterBench {
    // MARK: the processes

    /// `berth server` on a free loopback port; returns its URL once it says where it listens.
    func startServer() async throws(BenchError) -> String {
        let process = try ClusterProcess.start("server", argv: [
            berthPath, "server", "--root", temp + "/server", "--listen", "127.0.0.1:0", "--log-level", options.logLevel,
        ], logPath: temp + "/server.log", environment: options.processEnvironment)
        server = process
        var url: String?
        try await poll("berth server to listen", timeout: .seconds(60)) { () throws(BenchError) -> Bool in
            try process.checkAlive()
            let log = process.log()
            guard let range = log.range(of: #"http://[0-9.]+:[0-9]+"#, options: .regularExpression) else { return false }
            url = String(log[range])
            return true
        }
        guard let url else { throw .cluster("berth server did not say where it listens") }
        progress.note("server: pid \(process.pid), \(url)")
        return url
    }

    /// `berth agent --server URL` with its state under the temp dir and its pods' cgroups under
    /// `berth-bench-<tag>` below this process's cgroups.
    func startAgent(server url: String) async throws(BenchError) {
        let process = try ClusterProcess.start("agent", argv: [
            berthPath, "agent", "--server", url, "--node-name", nodeName, "--root", temp + "/agent",
            "--listen", "127.0.0.1:0", "--cgroup-parent", cgroupName, "--images", imagesDirectory, "--log-level", options.logLevel,
        ], logPath: temp + "/agent.log", environment: options.processEnvironment)
        agent = process
        progress.note("agent: pid \(process.pid), node \(nodeName)")
    }

    func waitForNodeReady(_ client: KubeClient) async throws(BenchError) {
        try await poll("node \(nodeName) to be Ready", timeout: .seconds(60)) { () throws(BenchError) -> Bool in
            try agent?.checkAlive()
            guard let node = try? await client.get(.nodes(name: nodeName)) else { return false }
            let conditions = node["status"]?["conditions"]?.arrayValue ?? []
            return conditions.contains { $0["type"]?.stringValue == "Ready" && $0["status"]?.stringValue == "True" }
        }
    }

    // MARK: pods

    private func post(_ name: String, client: KubeClient) async throws(BenchError) {
        let body: JSONValue
        do { body = try JSONValue(parsingJSON: Data(options.manifest(name: name, tag: tag).utf8)) } catch {
            throw .manifest(error.description)
        }
        timeline.posting(name)
        let created: JSONValue
        do { created = try await client.create(.pods(namespace: namespace), body: body) } catch {
            throw .cluster("POST of pod \(name): \(error)")
        }
        timeline.answered(name, uid: created["metadata"]?["uid"]?.stringValue)
    }

    /// POSTs one pod and waits until the watch has seen it Ready; returns POST → Ready in ms.
    func postAndWait(_ name: String, client: KubeClient) async throws(BenchError) -> Double {
        try await post(name, client: client)
        try await waitReady([name])
        return timeline[name]?.latency ?? .nan
    }

    /// POSTs every pod concurrently, then waits until all are Ready; POST → Ready per pod in ms.
    func postAllAndWait(_ names: [String], client: KubeClient) async throws(BenchError) -> Samples {
        progress.note("at once: POSTing \(names.count) pods")
        let failures = await withTaskGroup(of: BenchError?.self) { group -> [BenchError] in
            for name in names {
                group.addTask {
                    do throws(BenchError) { try await self.post(name, client: client) } catch { return error }
                    return nil
                }
            }
            var failures: [BenchError] = []
            for await failure in group { if let failure { failures.append(failure) } }
            return failures
        }
        if let first = failures.first { throw first }
        try await waitReady(names, label: "at once")
        return Samples(values: names.map { timeline[$0]?.latency ?? .nan })
    }

    /// Polls the timeline (filled by the watch task) every millisecond; the instants measured are
    /// those of the watch events, so the polling adds nothing to them.
    func waitReady(_ names: [String], label: String? = nil) async throws(BenchError) {
        var pending = names
        var reported = 0
        let timeout = Duration.milliseconds(Int(options.readyTimeout * 1000))
        do {
            try await poll("pods to be Ready", timeout: timeout, every: .milliseconds(1)) { () throws(BenchError) -> Bool in
                pending.removeAll { timeline.isReady($0) }
                let done = names.count - pending.count
                if let label, done / 10 > reported / 10 || done == names.count {
                    reported = done
                    progress.update(label, phase: "Ready", done: done, total: names.count, berth: nil, peer: nil)
                }
                return pending.isEmpty
            }
        } catch {
            guard case .cluster = error, let first = pending.first else { throw error }
            throw .cluster("\(pending.count) pods not Ready after \(options.readyTimeout) s; \(first): \(timeline[first]?.lastSeen ?? "?")")
        }
    }

    /// Deletes the pods (grace period 1 s: `sleep` as PID 1 ignores SIGTERM) and waits until the
    /// API has none of them and the node has removed their sandboxes; returns the seconds taken.
    func deleteAll(_ names: [String], client: KubeClient) async throws(BenchError) -> Double {
        let start = Monotonic.now()
        let namespace = self.namespace
        let errors = await withTaskGroup(of: String?.self) { group -> [String] in
            for name in names {
                group.addTask {
                    do throws(KubeError) {
                        _ = try await client.delete(.pods(namespace: namespace, name: name), options: DeleteOptions(gracePeriodSeconds: 1))
                    } catch {
                        return error.isNotFound ? nil : "\(name): \(error)"
                    }
                    return nil
                }
            }
            var errors: [String] = []
            for await error in group { if let error { errors.append(error) } }
            return errors
        }
        if let first = errors.first { throw .cluster("DELETE of \(errors.count) pods failed; \(first)") }
        try await poll("the \(names.count) pods to be deleted and removed from the node", timeout: .seconds(120)) { () throws(BenchError) -> Bool in
            names.allSatisfy { timeline[$0]?.deleted != nil } && sandboxCount() == 0
        }
        let seconds = Double(Monotonic.now() &- start) / 1e9
        progress.note("deleted \(names.count) pods in \(String(format: "%.1f", seconds)) s")
        return seconds
    }

    func sandboxCount() -> Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: agentPaths.sandboxesDirectory)) ?? []).count
    }

    /// Calls `condition` until it holds; throws `.cluster` naming `what` after `timeout`, and stops
    /// at a Ctrl-C or when the server or the agent died.
    func poll(_ what: String, timeout: Duration, every interval: Duration = .milliseconds(20),
              _ condition: () async throws(BenchError) -> Bool) async throws(BenchError) {
        let deadline = ContinuousClock.now + timeout
        var checks = 0
        while true {
            if try await condition() { return }
            checks += 1
            if checks % 50 == 0 {
                try interruption.check()
                try server?.checkAlive()
                try agent?.checkAlive()
            }
            if ContinuousClock.now > deadline { throw .cluster("timed out after \(timeout) waiting for \(what)") }
            try? await Task.sleep(for: interval)
        }
    }
}
