import BerthRuntime
import Testing

@testable import BerthNode

/// Native sidecars: init containers with restartPolicy Always.
@Suite struct PodWorkerSidecarTests {
    @Test func sidecarStartsBeforeTheNextInitContainerAndTheApps() async throws {
        let h = WorkerHarness(makePlan(initContainers: [("proxy", .sidecar), ("setup", .initContainer)]))
        h.fake.script("setup", [.exits(0)])
        h.start()

        #expect(await h.waitRunning("app"))
        let proxy = try #require(h.fake.index(of: "start proxy#0"))
        let setup = try #require(h.fake.index(of: "start setup#0"))
        let app = try #require(h.fake.index(of: "start app#0"))
        #expect(proxy < setup && setup < app)
        #expect(await h.isRunning("proxy"))
        #expect(await h.stop() != nil)
    }

    @Test func sidecarIsRestartedWhenItExitsWhateverThePodPolicy() async throws {
        let h = WorkerHarness(makePlan(initContainers: [("proxy", .sidecar)], restartPolicy: .never))
        h.start()
        #expect(await h.waitRunning("app"))

        h.fake.finish("proxy", code: 0)
        #expect(await h.waitRunning("proxy", restarts: 1))
        h.fake.finish("proxy", code: 2)
        #expect(await h.waitRunning("proxy", restarts: 2))

        let proxy = try #require(await h.track("proxy"))
        #expect(proxy.lastTermination?.exitCode == 2)
        #expect(h.events.restartDelays("proxy") == [.milliseconds(1), .milliseconds(2)])
        #expect(h.events.waitingReasons("proxy").filter { $0 == "CrashLoopBackOff" }.count == 2)
        #expect(h.fake.callNames.filter { $0.hasPrefix("start proxy") } == ["start proxy#0", "start proxy#1", "start proxy#2"])
        #expect(await h.worker.snapshot().phase == .running)
        #expect(await h.stop() != nil)
    }

    @Test func sidecarsStopAfterTheAppsInReverseOrderAndThePodSucceeds() async throws {
        let h = WorkerHarness(makePlan(initContainers: [("first", .sidecar), ("second", .sidecar)], apps: ["a", "b"],
                                       restartPolicy: .never, grace: 7))
        h.start()
        #expect(await h.waitRunning("a"))
        #expect(await h.waitRunning("b"))

        h.fake.finish("a", code: 0)
        #expect(await poll { await h.track("a")?.finished == true })
        #expect(!h.fake.callNames.contains { $0.hasPrefix("stop") })  // b still runs: sidecars stay
        h.fake.finish("b", code: 0)

        #expect(await h.phase() == .succeeded)
        let stops = h.fake.callNames.filter { $0.hasPrefix("stop") }
        #expect(stops == ["stop second#0", "stop first#0"])
        #expect(h.fake.stopGraces("second") == [7])
        let snapshot = await h.worker.snapshot()
        #expect(snapshot.initContainers.map(\.state.exitCode) == [143, 143])  // killed by SIGTERM
        #expect(snapshot.initContainers.map(\.restartCount) == [0, 0])
        #expect(h.fake.callNames.filter { $0.hasPrefix("create") }.count == 4)  // nothing restarted
        #expect(h.events.phases.last == .succeeded)
    }

    @Test func failedAppWithSidecarFailsThePod() async throws {
        let h = WorkerHarness(makePlan(initContainers: [("proxy", .sidecar)], restartPolicy: .never))
        h.fake.script("app", [.exits(1)])
        h.start()
        #expect(await h.phase() == .failed)
        #expect(h.fake.callNames.contains("stop proxy#0"))
    }

    /// A sidecar that is being restarted when the apps end must not be left running: the
    /// worker would wait for it forever.
    @Test func sidecarRestartingWhileAppsEndIsStopped() async throws {
        let gate = AsyncEvent()
        let h = WorkerHarness(makePlan(initContainers: [("proxy", .sidecar)], restartPolicy: .never))
        h.fake.script("proxy", [.runs, .createWaitsFor(gate, then: FakeRuntime.Behaviour.runs)])
        h.start()
        #expect(await h.waitRunning("app"))

        h.fake.finish("proxy", code: 1)
        #expect(await poll { h.fake.callNames.contains("create proxy#1") })  // held in createContainer
        h.fake.finish("app", code: 0)
        #expect(await poll { await h.worker.sidecarsStopping })
        gate.fire()

        #expect(await h.phase() == .succeeded)
        #expect(!h.fake.isRunning("proxy"))
        #expect(h.fake.callNames.contains("stop proxy#1"))
    }

    @Test func sidecarInBackOffWhenAppsEndIsNotStartedAgain() async throws {
        let h = WorkerHarness(makePlan(initContainers: [("proxy", .sidecar)], restartPolicy: .never), backOff: .hour)
        h.start()
        #expect(await h.waitRunning("app"))
        h.fake.finish("proxy", code: 1)
        #expect(await poll { await h.track("proxy")?.state.waitingReason == "CrashLoopBackOff" })

        h.fake.finish("app", code: 0)
        #expect(await h.phase() == .succeeded)
        #expect(!h.fake.callNames.contains("create proxy#1"))
    }
}
