import BerthRuntime
import Foundation

/// The floor under the cluster figures: the same pods started straight through an in-process
/// LinuxRuntime (sandbox, then both containers created and started), with no API server, no
/// scheduler, no agent, no status updates. One by one and all at once, like the cluster
/// batches, so the difference is what the control plane and the agent add.
struct RuntimeFloor {
    let side: BerthSide
    let pods: Int
    let yaml: String

    init(temp: String, rootfs: String, cgroupName: String, shimPath: String, pods: Int, podKind: String) throws(BenchError) {
        side = try BerthSide(root: temp + "/floor", rootfs: rootfs, cgroupName: cgroupName, shimPath: shimPath)
        self.pods = pods
        let sleep = "image: \(side.image), command: [sleep, \"3600\"]"
        let containers = podKind == "sidecar"
            ? "  initContainers:\n    - {name: sidecar, \(sleep), restartPolicy: Always}\n  containers:\n    - {name: app, \(sleep)}\n"
            : "  containers:\n    - {name: c1, \(sleep)}\n    - {name: c2, \(sleep)}\n"
        yaml = "apiVersion: v1\nkind: Pod\nmetadata: {name: floor}\nspec:\n" + containers
    }

    /// One pod from nothing to every container started; ms.
    private func start() async throws(BenchError) -> Double {
        let plan = try side.plan(yaml: yaml)
        let begin = Monotonic.now()
        let sandbox = try await side.runSandbox(plan)
        for container in plan.initContainers + plan.containers {
            guard let config = container.config else { continue }
            try await side.createAndStart(sandboxID: sandbox, config: config)
        }
        return Monotonic.milliseconds(since: begin)
    }

    func oneByOne() async throws(BenchError) -> Samples {
        var samples = Samples()
        for _ in 0..<pods { samples.values.append(try await start()) }
        await removeAll()
        return samples
    }

    func atOnce() async throws(BenchError) -> Samples {
        let results = await withTaskGroup(of: Result<Double, BenchError>.self) { group in
            for _ in 0..<pods {
                group.addTask {
                    do throws(BenchError) { return .success(try await start()) } catch { return .failure(error) }
                }
            }
            var results: [Result<Double, BenchError>] = []
            for await result in group { results.append(result) }
            return results
        }
        await removeAll()
        var samples = Samples()
        for result in results { samples.values.append(try result.get()) }
        return samples
    }

    func removeAll() async {
        await withTaskGroup(of: Void.self) { group in
            for sandbox in side.runtime.listPodSandboxes() {
                group.addTask { await side.removeSandbox(sandbox.id) }
            }
        }
    }

    func cleanup() async { await side.cleanup() }
}
