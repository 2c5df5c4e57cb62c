import BerthRuntime
import Testing

@testable import BerthNode

/// Init containers: one at a time, in order, each to completion, before any app container.
@Suite struct PodWorkerInitTests {
    @Test func initContainersRunInOrderToCompletionBeforeApps() async throws {
        let h = WorkerHarness(makePlan(initContainers: [("first", .initContainer), ("second", .initContainer)]))
        h.fake.script("first", [.runs])
        h.fake.script("second", [.exits(0)])
        h.start()

        #expect(await h.waitRunning("first"))
        let whileFirstRuns = await h.worker.snapshot()
        #expect(!h.fake.callNames.contains("create second#0"))
        #expect(!h.fake.callNames.contains("create app#0"))
        #expect(whileFirstRuns.phase == .pending)
        #expect(!whileFirstRuns.initialized)
        #expect(whileFirstRuns.containers.first?.state.waitingReason == "PodInitializing")

        h.fake.finish("first", code: 0)
        #expect(await h.waitRunning("app"))
        #expect(h.fake.callNames == ["runSandbox pod", "create first#0", "start first#0", "create second#0", "start second#0",
                                     "create app#0", "start app#0"])
        let snapshot = await h.worker.snapshot()
        #expect(snapshot.initialized)
        #expect(snapshot.phase == .running)
        #expect(snapshot.initContainers.map(\.state.exitCode) == [0, 0])
        #expect(snapshot.initContainers.map(\.finished) == [true, true])
        #expect(h.events.phases == [.pending, .running])
        #expect(await h.stop() != nil)
    }

    struct FailingInitCase: Sendable, CustomTestStringConvertible {
        var policy: RestartPolicy
        var restarts: Bool
        var testDescription: String { "\(policy.rawValue): \(restarts ? "restarted" : "pod fails")" }
    }

    @Test(arguments: [
        FailingInitCase(policy: .never, restarts: false),
        FailingInitCase(policy: .onFailure, restarts: true),
        FailingInitCase(policy: .always, restarts: true),
    ])
    func failingInitContainer(_ c: FailingInitCase) async throws {
        let h = WorkerHarness(makePlan(initContainers: [("setup", .initContainer)], restartPolicy: c.policy))
        h.fake.script("setup", [.exits(3), .exits(0)])
        h.start()

        if c.restarts {
            #expect(await h.waitRunning("app"))
            #expect(h.fake.callNames.filter { $0.hasPrefix("create setup") } == ["create setup#0", "create setup#1"])
            let setup = try #require(await h.track("setup"))
            #expect(setup.restartCount == 1)
            #expect(setup.lastTermination?.exitCode == 3)
            #expect(setup.state.exitCode == 0)
            #expect(h.events.waitingReasons("setup").contains("CrashLoopBackOff"))
            #expect(await h.stop() != nil)
        } else {
            #expect(await h.phase() == .failed)
            #expect(!h.fake.callNames.contains { $0.hasPrefix("create app") })
            let snapshot = await h.worker.snapshot()
            #expect(!snapshot.initialized)
            #expect(snapshot.initContainers.first?.state.exitCode == 3)
            #expect(snapshot.initContainers.first?.restartCount == 0)
            #expect(snapshot.reason == "InitContainerFailed")
            #expect(h.events.phases.last == .failed)
        }
    }

    @Test func initContainerWithoutConfigWaitsWithConfigErrorAndNoAppStarts() async throws {
        var plan = makePlan(initContainers: [("setup", .initContainer)])
        plan.initContainers[0].config = nil
        plan.initContainers[0].configError = "container has runAsNonRoot and image will run as root"
        let h = WorkerHarness(plan)
        h.start()

        #expect(await poll { await h.track("setup")?.state.waitingReason == "CreateContainerConfigError" })
        #expect(await h.worker.snapshot().phase == .pending)
        #expect(!h.fake.callNames.contains { $0.hasPrefix("create") })
        #expect(await h.stop() == .failed)
        #expect(!h.fake.callNames.contains { $0.hasPrefix("create") })
    }
}
