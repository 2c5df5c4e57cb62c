import BerthRuntime
import Testing

@testable import BerthNode

/// `terminate()`: app containers get SIGTERM and the grace period first, native sidecars after
/// them in reverse order with what is left of it.
@Suite struct PodWorkerTerminationTests {
    @Test func terminateStopsAppsWithTheGracePeriodBeforeSidecarsInReverseOrder() async throws {
        let h = WorkerHarness(makePlan(initContainers: [("first", .sidecar), ("second", .sidecar)], apps: ["a", "b"]))
        h.start()
        for name in ["first", "second", "a", "b"] { #expect(await h.waitRunning(name)) }

        #expect(await h.stop(grace: 5) != nil)
        let stops = h.fake.callNames.filter { $0.hasPrefix("stop") }
        #expect(Set(stops.prefix(2)) == ["stop a#0", "stop b#0"])
        #expect(Array(stops.dropFirst(2)) == ["stop second#0", "stop first#0"])
        for name in ["a", "b", "first", "second"] {
            let grace = try #require(h.fake.stopGraces(name).first)
            #expect(grace > 4 && grace <= 5, "\(name): \(grace)")
        }
        let snapshot = await h.worker.snapshot()
        #expect(snapshot.lifecycle == .terminated)
        #expect(!snapshot.containers.contains { if case .running = $0.state { true } else { false } })
        #expect(h.fake.callNames.filter { $0.hasPrefix("create") }.count == 4)  // nothing restarted
    }

    @Test func terminateUsesThePodGracePeriodWhenNoneIsGiven() async throws {
        let h = WorkerHarness(makePlan(grace: 12))
        h.start()
        #expect(await h.waitRunning("app"))
        await h.worker.terminate()
        let grace = try #require(h.fake.stopGraces("app").first)
        #expect(grace > 11 && grace <= 12)
    }

    @Test func sidecarsGetWhatIsLeftOfTheGraceAfterAnAppIgnoringSIGTERM() async throws {
        let h = WorkerHarness(makePlan(initContainers: [("proxy", .sidecar)]))
        h.fake.script("app", [.ignoresTerm])
        h.start()
        #expect(await h.waitRunning("app"))

        #expect(await h.stop(grace: 0.2) != nil)
        #expect(h.fake.callNames.filter { !$0.hasPrefix("create") && !$0.hasPrefix("start") && !$0.hasPrefix("runSandbox") }
            == ["stop app#0", "kill app#0", "stop proxy#0"])
        let proxyGrace = try #require(h.fake.stopGraces("proxy").first)
        #expect(proxyGrace < 0.1)
        #expect(await h.track("app")?.state.exitCode == 137)
    }

    @Test func terminateDuringInitStopsTheInitContainerAndStartsNoApp() async throws {
        let h = WorkerHarness(makePlan(initContainers: [("setup", .initContainer)]))
        h.fake.script("setup", [.runs])
        h.start()
        #expect(await h.waitRunning("setup"))

        #expect(await h.stop(grace: 1) == .failed)
        #expect(h.fake.callNames.contains("stop setup#0"))
        #expect(!h.fake.callNames.contains { $0.hasPrefix("create app") })
    }

    @Test func terminateAfterThePodFinishedReturnsAtOnce() async throws {
        let h = WorkerHarness(makePlan(restartPolicy: .never))
        h.fake.script("app", [.exits(0)])
        h.start()
        #expect(await h.phase() == .succeeded)
        await h.worker.terminate(gracePeriodSeconds: 0)
        #expect(!h.fake.callNames.contains { $0.hasPrefix("stop") })
        #expect(await h.worker.snapshot().phase == .succeeded)
    }

    @Test func removeDeletesTheSandbox() async throws {
        let h = WorkerHarness(makePlan(restartPolicy: .never))
        h.fake.script("app", [.exits(0)])
        h.start()
        #expect(await h.phase() == .succeeded)
        await h.worker.remove(logDirectory: nil)
        #expect(h.fake.callNames.last?.hasPrefix("removeSandbox") == true)
        #expect(h.fake.listPodSandboxes().isEmpty)
    }
}

/// `adopt(sandboxID:)`: taking over containers an earlier agent left.
@Suite struct PodWorkerAdoptionTests {
    @Test func adoptedRunningContainerIsNotStartedAgainAndRestartsPerPolicy() async throws {
        let fake = FakeRuntime()
        let sandbox = fake.seedSandbox(uid: "uid-1", name: "pod")
        _ = fake.seedContainer(sandboxID: sandbox, name: "app", attempt: 1, exitCode: 1)
        let running = fake.seedContainer(sandboxID: sandbox, name: "app", attempt: 2)
        let h = WorkerHarness(makePlan(restartPolicy: .onFailure), fake: fake)
        h.start(adopting: sandbox)

        #expect(await h.waitRunning("app", restarts: 2))
        let app = try #require(await h.track("app"))
        #expect(app.containerID == running)
        #expect(app.lastTermination?.exitCode == 1)
        #expect(fake.calls.isEmpty)
        let snapshot = await h.worker.snapshot()
        #expect(snapshot.startTime == "2026-01-02T03:04:05Z")
        #expect(snapshot.initialized)
        #expect(snapshot.phase == .running)

        fake.finish("app", code: 1)
        #expect(await h.waitRunning("app", restarts: 3))
        #expect(fake.callNames == ["remove app#1", "create app#3", "start app#3"])  // keeps attempt 2 for --previous
        #expect(await h.stop() != nil)
    }

    /// A restarted agent's first status of a running pod is Running, never a Pending with
    /// ContainerCreating in between (the API would see the pod flap).
    @Test func adoptedRunningContainerIsRunningFromTheFirstSnapshot() async throws {
        let fake = FakeRuntime()
        let sandbox = fake.seedSandbox(uid: "uid-1", name: "pod")
        _ = fake.seedContainer(sandboxID: sandbox, name: "app", attempt: 0)
        let h = WorkerHarness(makePlan(), fake: fake)
        h.start(adopting: sandbox)
        #expect(await h.waitRunning("app"))
        let states = h.events.states("app")
        guard case .running? = states.first else {
            Issue.record("first published state: \(String(describing: states.first))")
            return
        }
        #expect(states.count == 1)
        #expect(h.events.phases == [.running])
        #expect(await h.stop() != nil)
    }

    @Test func adoptedContainerThatSucceedsUnderNeverFinishesThePod() async throws {
        let fake = FakeRuntime()
        let sandbox = fake.seedSandbox(uid: "uid-1", name: "pod")
        _ = fake.seedContainer(sandboxID: sandbox, name: "app", attempt: 0)
        let h = WorkerHarness(makePlan(restartPolicy: .never), fake: fake)
        h.start(adopting: sandbox)
        #expect(await h.waitRunning("app"))

        fake.finish("app", code: 0)
        #expect(await h.phase() == .succeeded)
        #expect(fake.calls.isEmpty)
    }

    @Test func adoptedExitedContainerIsRestartedWithTheNextAttempt() async throws {
        let fake = FakeRuntime()
        let sandbox = fake.seedSandbox(uid: "uid-1", name: "pod")
        _ = fake.seedContainer(sandboxID: sandbox, name: "app", attempt: 0, exitCode: 3)
        let h = WorkerHarness(makePlan(restartPolicy: .always), fake: fake)
        h.start(adopting: sandbox)

        #expect(await h.waitRunning("app", restarts: 1))
        #expect(fake.callNames == ["create app#1", "start app#1"])
        #expect(await h.track("app")?.lastTermination?.exitCode == 3)
        #expect(await h.stop() != nil)
    }

    @Test func adoptedPodDoesNotRunItsInitContainersAgain() async throws {
        let fake = FakeRuntime()
        let sandbox = fake.seedSandbox(uid: "uid-1", name: "pod")
        _ = fake.seedContainer(sandboxID: sandbox, name: "setup", attempt: 0, exitCode: 0)
        _ = fake.seedContainer(sandboxID: sandbox, name: "proxy", attempt: 0)
        _ = fake.seedContainer(sandboxID: sandbox, name: "app", attempt: 0)
        let h = WorkerHarness(makePlan(initContainers: [("setup", .initContainer), ("proxy", .sidecar)]), fake: fake)
        h.start(adopting: sandbox)

        #expect(await h.waitRunning("app"))
        #expect(await h.waitRunning("proxy"))
        #expect(fake.calls.isEmpty)
        #expect(await h.track("setup")?.state.exitCode == 0)

        #expect(await h.stop(grace: 1) != nil)
        let stops = fake.callNames.filter { $0.hasPrefix("stop") }
        #expect(stops == ["stop app#0", "stop proxy#0"])
    }

    @Test func stopAdoptedStopsAppsThenSidecarsWithoutStartingAnything() async throws {
        let fake = FakeRuntime()
        let sandbox = fake.seedSandbox(uid: "uid-1", name: "pod")
        _ = fake.seedContainer(sandboxID: sandbox, name: "proxy", attempt: 0)
        _ = fake.seedContainer(sandboxID: sandbox, name: "app", attempt: 4)
        let worker = PodWorker(plan: makePlan(initContainers: [("proxy", .sidecar)]), runtime: fake) { _ in }
        await worker.adopt(sandboxID: sandbox)
        await worker.stopAdopted(gracePeriodSeconds: 3)

        #expect(fake.callNames == ["stop app#4", "stop proxy#0"])
        #expect(!fake.isRunning("app") && !fake.isRunning("proxy"))
        #expect(await worker.currentLifecycle == .terminated)
    }
}
