import BerthAPI
import BerthRuntime
import Foundation
import Testing

@testable import BerthNode

/// Probes through the pod worker, on the fake runtime with a scripted prober and periods of a
/// few milliseconds: readiness drives `ready`, startup gates the rest, a failed liveness probe
/// restarts the container at once (no back-off), with the kubelet's events.
@Suite struct PodWorkerProbeTests {
    func harness(_ plan: PodPlan, prober: ScriptedProber, backOff: BackOff = .hour) -> WorkerHarness {
        WorkerHarness(plan, backOff: backOff, prober: prober)
    }

    func plan(_ probes: ContainerProbes, restartPolicy: RestartPolicy = .always) -> PodPlan {
        var plan = makePlan(restartPolicy: restartPolicy)
        plan.containers[0].probes = probes
        return plan
    }

    func podStatus(_ h: WorkerHarness) async -> PodStatus {
        PodStatusBuilder.status(await h.worker.snapshot(), spec: PodSpec(containers: []), previous: nil, now: "2026-01-01T00:00:00Z")
    }

    func condition(_ status: PodStatus, _ type: String) -> String? {
        status.conditions?.first { $0.type == type }?.status
    }

    @Test func aFailingReadinessProbeKeepsTheContainerRunningButNotReady() async throws {
        let prober = ScriptedProber()
        prober.set("ready", .failed("nope"))
        let h = harness(plan(ContainerProbes(readiness: .scripted("ready", failure: 1))), prober: prober)
        h.start()

        #expect(await h.waitRunning("app"))
        #expect(await poll { prober.callCount("ready") >= 3 })
        var status = await podStatus(h)
        #expect(status.phase == "Running")
        #expect(status.containerStatuses?.first?.ready == false)
        #expect(status.containerStatuses?.first?.started == true)
        #expect(condition(status, "Ready") == "False" && condition(status, "ContainersReady") == "False")
        #expect(h.events.unhealthy("app").first == "Readiness probe failed: nope")
        #expect(h.fake.callNames.filter { $0.hasPrefix("stop") }.isEmpty, "readiness never restarts")

        prober.set("ready", .passed)
        #expect(await poll { await podStatus(h).containerStatuses?.first?.ready == true })
        status = await podStatus(h)
        #expect(condition(status, "Ready") == "True")

        prober.set("ready", .failed())
        #expect(await poll { await h.track("app")?.readinessProbePassed == false })
        #expect(await h.track("app")?.restartCount == 0)
        #expect(await h.stop() != nil)
    }

    @Test func aFailedLivenessProbeRestartsTheContainerAtOnce() async throws {
        let prober = ScriptedProber()
        prober.script("live", [.failed("sick 1"), .failed("sick 2")])
        // Back-off of an hour: the restart can only come from the probe path, which has none.
        let h = harness(plan(ContainerProbes(liveness: .scripted("live", failure: 2))), prober: prober)
        h.start()

        #expect(await h.waitRunning("app", restarts: 1))
        let app = try #require(await h.track("app"))
        #expect(app.lastTermination?.exitCode == 143, "the fake runtime's SIGTERM exit")
        #expect(h.events.killings("app") == ["Container app failed liveness probe, will be restarted"])
        #expect(Array(h.events.unhealthy("app").prefix(2)) == ["Liveness probe failed: sick 1", "Liveness probe failed: sick 2"])
        #expect(h.events.restartDelays("app") == [.zero])
        #expect(h.fake.callNames.filter { $0.hasPrefix("stop") || $0.hasPrefix("start") }
            == ["start app#0", "stop app#0", "start app#1"])
        #expect(h.fake.stopGraces("app") == [30], "the pod's grace period")
        #expect(!h.events.states("app").contains { $0.waitingReason == "CrashLoopBackOff" })
        #expect(await h.stop() != nil)
    }

    @Test func aProbeGracePeriodOverridesThePods() async throws {
        let prober = ScriptedProber()
        prober.script("live", [.failed()])
        let h = harness(plan(ContainerProbes(liveness: .scripted("live", failure: 1, grace: 2))), prober: prober)
        h.start()
        #expect(await h.waitRunning("app", restarts: 1))
        #expect(h.fake.stopGraces("app") == [2])
        #expect(await h.stop() != nil)
    }

    @Test func underRestartPolicyNeverTheKilledContainerStaysDead() async throws {
        let prober = ScriptedProber()
        prober.set("live", .failed())
        let h = harness(plan(ContainerProbes(liveness: .scripted("live", failure: 1)), restartPolicy: .never), prober: prober)
        h.start()

        #expect(await h.phase() == .failed)
        #expect(h.events.killings("app") == ["Container app failed liveness probe"])
        let app = try #require(await h.track("app"))
        #expect(app.restartCount == 0 && app.state.exitCode == 143)
    }

    @Test func startupGatesLivenessAndReadiness() async throws {
        let prober = ScriptedProber()
        prober.set("start", .failed("warming up"))
        prober.set("live", .failed())
        let probes = ContainerProbes(startup: .scripted("start", failure: 1000), liveness: .scripted("live", failure: 1),
                                     readiness: .scripted("ready"))
        let h = harness(plan(probes), prober: prober)
        h.start()

        #expect(await poll { prober.callCount("start") >= 3 })
        var status = await podStatus(h)
        #expect(status.containerStatuses?.first?.started == false)
        #expect(status.containerStatuses?.first?.ready == false)
        #expect(prober.callCount("live") == 0 && prober.callCount("ready") == 0)
        #expect(h.events.unhealthy("app").first == "Startup probe failed: warming up")

        prober.set("live", .passed)
        prober.set("start", .passed)
        #expect(await poll { await podStatus(h).containerStatuses?.first?.ready == true })
        status = await podStatus(h)
        #expect(status.containerStatuses?.first?.started == true)
        #expect(await h.track("app")?.restartCount == 0)
        #expect(await h.stop() != nil)
    }

    @Test func aSidecarsStartupProbeHoldsTheNextInitContainer() async throws {
        let prober = ScriptedProber()
        prober.set("start", .failed())
        prober.set("ready", .failed())
        var plan = makePlan(initContainers: [("side", .sidecar), ("init", .initContainer)])
        plan.initContainers[0].probes = ContainerProbes(startup: .scripted("start", failure: 1000),
                                                        readiness: .scripted("ready", failure: 1))
        let h = harness(plan, prober: prober)
        h.fake.script("init", [.exits(0)])
        h.start()

        #expect(await poll { prober.callCount("start") >= 3 })
        #expect(h.fake.index(of: "create init#0") == nil, "init waits for the sidecar's startup probe")
        prober.set("start", .passed)
        #expect(await h.waitRunning("app"))
        // The sidecar's failing readiness probe keeps the pod not ready.
        #expect(await poll { prober.callCount("ready") >= 2 })
        var status = await podStatus(h)
        #expect(status.initContainerStatuses?.first?.ready == false)
        #expect(condition(status, "Ready") == "False")
        prober.set("ready", .passed)
        #expect(await poll { await condition(podStatus(h), "Ready") == "True" })
        status = await podStatus(h)
        #expect(status.initContainerStatuses?.first?.ready == true && status.containerStatuses?.first?.ready == true)
        #expect(await h.stop() != nil)
    }

    @Test func anAdoptedRunningContainerIsProbedAgain() async throws {
        let prober = ScriptedProber()
        prober.set("ready", .failed())
        let h = harness(plan(ContainerProbes(readiness: .scripted("ready", failure: 1))), prober: prober)
        let sandbox = h.fake.seedSandbox(uid: "uid-1", name: "pod")
        _ = h.fake.seedContainer(sandboxID: sandbox, name: "app", attempt: 0)
        h.start(adopting: sandbox)

        #expect(await poll { prober.callCount("ready") >= 1 })
        #expect(await h.track("app")?.isReady == false, "an agent restart probes again before saying ready")
        prober.set("ready", .passed)
        #expect(await poll { await h.track("app")?.isReady == true })
        #expect(h.fake.callNames.filter { $0.hasPrefix("create") }.isEmpty, "adopted, not recreated")
        #expect(await h.stop() != nil)
    }

    @Test func terminationStopsProbing() async throws {
        let prober = ScriptedProber()
        let h = harness(plan(ContainerProbes(liveness: .scripted("live"), readiness: .scripted("ready"))), prober: prober)
        h.start()
        #expect(await poll { prober.callCount("live") >= 2 && prober.callCount("ready") >= 2 })
        #expect(await h.stop() != nil)
        #expect(await h.worker.probeTasks.isEmpty, "every loop was cancelled")
    }
}
