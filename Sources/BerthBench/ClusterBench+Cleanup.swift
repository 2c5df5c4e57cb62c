import BerthAPI
import BerthClient
import BerthRuntime
import Foundation

extension ClusterBench {
    /// At the end of a successful run: stops the agent and the server with SIGTERM, then checks
    /// that the node left nothing behind (the pods were all deleted through the API before).
    func stopAndVerify() async -> CleanupResult {
        var result = CleanupResult()
        if let agent { result.agentExit = await agent.stop().code }
        if let server { result.serverExit = await server.stop().code }
        result.leftovers = leftovers()
        return result
    }

    /// What a clean node has none of: sandboxes, pod records, mounts under the temp dir,
    /// cgroups below the benchmark's parent cgroup, processes in them.
    func leftovers() -> [String] {
        var found: [String] = []
        let sandboxes = sandboxCount()
        if sandboxes > 0 { found.append("\(sandboxes) sandboxes in \(agentPaths.sandboxesDirectory)") }
        let records = ((try? FileManager.default.contentsOfDirectory(atPath: agentPaths.runDirectory + "/pods")) ?? []).count
        if records > 0 { found.append("\(records) pod records in \(agentPaths.runDirectory)/pods") }
        let mounts = Mounts.points(under: temp)
        if !mounts.isEmpty { found.append("\(mounts.count) mounts, e.g. \(mounts[0])") }
        let parent = CgroupPath(components: [cgroupName])
        for procs in agentRuntime.cgroups.procsFiles(parent) {
            let dir = (procs as NSString).deletingLastPathComponent
            let children = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { entry in
                var isDirectory: ObjCBool = false
                return FileManager.default.fileExists(atPath: dir + "/" + entry, isDirectory: &isDirectory) && isDirectory.boolValue
            }
            if !children.isEmpty { found.append("\(children.count) cgroups in \(dir)") }
        }
        let pids = agentRuntime.cgroups.pids(parent)
        if !pids.isEmpty { found.append("\(pids.count) processes in \(cgroupName)") }
        return found
    }

    /// Undoes everything, whatever state the run stopped in: the pods (through the API while
    /// the agent and server run, else directly through the runtime), the two processes, the
    /// cgroups, mounts, orphaned shims and the temp dir.
    func cleanup() async {
        watchTask?.cancel()
        await floor?.cleanup()
        if let client, let agent, agent.exited() == nil, server?.exited() == nil {
            await deleteEverything(client)
        }
        if let agent { await agent.stop() }
        if let server { await server.stop() }
        for sandbox in agentRuntime.listPodSandboxes() {
            progress.note("berth-bench: removing sandbox \(sandbox.id) the agent left")
            do {
                try await agentRuntime.stopPodSandbox(sandbox.id)
                try await agentRuntime.removePodSandbox(sandbox.id)
            } catch {
                progress.note("berth-bench: removing sandbox \(sandbox.id): \(error)")
            }
        }
        let parent = CgroupPath(components: [cgroupName])
        agentRuntime.cgroups.killAll(parent)
        do { try agentRuntime.cgroups.remove(parent) } catch {
            progress.note("berth-bench: removing cgroup \(cgroupName): \(error)")
        }
        Mounts.detachAll(under: temp)
        reapOrphans()
        await client?.shutdown()
        do { try FileManager.default.removeItem(atPath: temp) } catch {
            progress.note("berth-bench: cannot remove \(temp): \(error)")
        }
    }

    /// After a failure or Ctrl-C: deletes the run's pods at once (grace 0) and gives the node a
    /// little time to remove them.
    private func deleteEverything(_ client: KubeClient) async {
        let list = try? await client.list(.pods(namespace: namespace), options: ListOptions(labelSelector: labelSelector))
        let names = (list?["items"]?.arrayValue ?? []).compactMap { $0["metadata"]?["name"]?.stringValue }
        guard !names.isEmpty || sandboxCount() > 0 else { return }
        progress.note("berth-bench: deleting \(names.count) pods...")
        let namespace = self.namespace
        await withTaskGroup(of: Void.self) { group in
            for name in names {
                group.addTask {
                    _ = try? await client.delete(.pods(namespace: namespace, name: name), options: DeleteOptions(gracePeriodSeconds: 0))
                }
            }
        }
        let deadline = ContinuousClock.now + .seconds(30)
        while sandboxCount() > 0 && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Shims whose agent died were re-parented to this process (a child subreaper); their
    /// containers were killed with the cgroups, so they have exited: reap them.
    private func reapOrphans() {
        let deadline = ContinuousClock.now + .seconds(2)
        var status: Int32 = 0
        while ContinuousClock.now < deadline {
            let reaped = waitpid(-1, &status, WNOHANG)
            if reaped < 0 { return }  // ECHILD: no children left
            if reaped == 0 { usleep(10_000) }
        }
    }
}

struct CleanupResult: Sendable {
    var agentExit: Int32?
    var serverExit: Int32?
    var leftovers: [String] = []
}
