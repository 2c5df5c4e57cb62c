import BerthRuntime
import Testing

@testable import BerthNode

/// Restart policy, back-off and create failures of app containers.
@Suite struct PodWorkerRestartTests {
    struct PolicyCase: Sendable, CustomTestStringConvertible {
        var policy: RestartPolicy
        var exitCode: Int32
        /// nil: the container is restarted; else the phase the pod ends in.
        var finalPhase: PodPhase?
        var testDescription: String { "\(policy.rawValue), exit \(exitCode) → \(finalPhase?.rawValue ?? "restart")" }
    }

    @Test(arguments: [
        PolicyCase(policy: .always, exitCode: 0, finalPhase: nil),
        PolicyCase(policy: .always, exitCode: 1, finalPhase: nil),
        PolicyCase(policy: .onFailure, exitCode: 0, finalPhase: .succeeded),
        PolicyCase(policy: .onFailure, exitCode: 1, finalPhase: nil),
        PolicyCase(policy: .never, exitCode: 0, finalPhase: .succeeded),
        PolicyCase(policy: .never, exitCode: 1, finalPhase: .failed),
    ])
    func restartPolicy(_ c: PolicyCase) async throws {
        let h = WorkerHarness(makePlan(restartPolicy: c.policy))
        h.fake.script("app", [.exits(c.exitCode)])
        h.start()

        if let expected = c.finalPhase {
            #expect(await h.phase() == expected)
            let app = try #require(await h.track("app"))
            #expect(app.restartCount == 0)
            #expect(app.lastTermination == nil)
            #expect(app.state.exitCode == c.exitCode)
            #expect(h.fake.callNames.filter { $0.hasPrefix("create") } == ["create app#0"])
            #expect(h.events.restartDelays("app").isEmpty)
        } else {
            #expect(await h.waitRunning("app", restarts: 1))
            let app = try #require(await h.track("app"))
            #expect(app.lastTermination?.exitCode == c.exitCode)
            #expect(app.lastTermination?.reason == (c.exitCode == 0 ? "Completed" : "Error"))
            #expect(h.fake.callNames.filter { $0.hasPrefix("create") } == ["create app#0", "create app#1"])
            #expect(h.events.waitingReasons("app") == ["ContainerCreating", "CrashLoopBackOff"])
            #expect(h.events.phases == [.pending, .running])
            #expect(await h.stop() != nil)
        }
    }

    @Test func crashLoopBackOffIsShownDuringTheBackOffAndTerminationCutsItShort() async throws {
        let h = WorkerHarness(makePlan(restartPolicy: .always), backOff: .hour)
        h.fake.script("app", [.exits(2)])
        h.start()

        #expect(await poll { await h.track("app")?.state.waitingReason == "CrashLoopBackOff" })
        let snapshot = await h.worker.snapshot()
        #expect(snapshot.phase == .running)
        let app = try #require(snapshot.containers.first)
        #expect(app.restartCount == 0)
        #expect(app.lastTermination?.exitCode == 2)
        guard case .waiting(_, let message) = app.state else { Issue.record("not waiting"); return }
        #expect(message == "back-off 3600s restarting failed container=app pod=pod_default(uid-1)")

        let start = ContinuousClock.now
        #expect(await h.stop(grace: 0) != nil)
        #expect(ContinuousClock.now - start < .seconds(60), "cut short, not the 3600 s back-off")
        #expect(h.fake.callNames.filter { $0.hasPrefix("create") } == ["create app#0"])
    }

    @Test func backOffDoublesUpToTheCap() async throws {
        let h = WorkerHarness(makePlan(restartPolicy: .always))
        h.fake.script("app", Array(repeating: .exits(1), count: 6))
        h.start()

        #expect(await h.waitRunning("app", restarts: 6))
        #expect(h.events.restartDelays("app") == [1, 2, 4, 8, 8, 8].map { .milliseconds($0) })
        #expect(h.fake.callNames.filter { $0.hasPrefix("start") } == (0...6).map { "start app#\($0)" })
        #expect(await h.stop() != nil)
    }

    @Test func backOffStartsAgainAfterALongRun() async throws {
        let backOff = BackOff(base: .milliseconds(1), cap: .milliseconds(8), resetAfter: .milliseconds(300))
        let h = WorkerHarness(makePlan(restartPolicy: .always), backOff: backOff)
        h.fake.script("app", [.exits(1), .exits(1), .runs])
        h.start()

        #expect(await h.waitRunning("app", restarts: 2))
        // Let the third attempt run past `resetAfter` (the container's run time, not a synchronisation).
        try await Task.sleep(for: .milliseconds(350))
        h.fake.finish("app", code: 1)
        #expect(await h.waitRunning("app", restarts: 3))
        #expect(h.events.restartDelays("app") == [1, 2, 1].map { .milliseconds($0) })
        #expect(await h.stop() != nil)
    }

    struct CreateFailureCase: Sendable, CustomTestStringConvertible {
        var behaviour: FakeRuntime.Behaviour
        var reason: String
        var removesCreated: Bool
        var policy: RestartPolicy
        var testDescription: String { reason }
    }

    @Test(arguments: [
        CreateFailureCase(behaviour: .failsCreate(.image(reference: "nope:1", message: "not found")), reason: "ErrImagePull",
                          removesCreated: false, policy: .never),
        CreateFailureCase(behaviour: .failsStart(.createContainer(container: "app", step: "exec", errno: 2, message: "no sh")),
                          reason: "CreateContainerError", removesCreated: true, policy: .onFailure),
    ])
    func createFailuresWaitAndRetryWithBackOffWithoutRestartCount(_ c: CreateFailureCase) async throws {
        let h = WorkerHarness(makePlan(restartPolicy: c.policy))
        h.fake.script("app", [c.behaviour, c.behaviour, c.behaviour, .runs])
        h.start()

        #expect(await h.waitRunning("app", restarts: 0))
        #expect(h.events.waitingReasons("app") == ["ContainerCreating", c.reason])
        #expect(h.fake.callNames.filter { $0.hasPrefix("create") } == Array(repeating: "create app#0", count: 4))
        #expect(h.events.failureDelays("app") == [1, 2, 4].map { .milliseconds($0) })
        #expect(h.fake.callNames.filter { $0.hasPrefix("remove") }.count == (c.removesCreated ? 3 : 0))
        let app = try #require(await h.track("app"))
        #expect(app.lastTermination == nil)
        #expect(await h.worker.snapshot().phase == .running)
        #expect(await h.stop() != nil)
    }

    /// With restartPolicy Never a failed step between fork and exec ends the container (exit
    /// code 128) so that the pod can finish, instead of retrying forever.
    @Test func createContainerErrorUnderNeverEndsTheContainer() async throws {
        let h = WorkerHarness(makePlan(restartPolicy: .never))
        h.fake.script("app", [.failsStart(.createContainer(container: "app", step: "exec", errno: 2, message: "no sh"))])
        h.start()
        #expect(await h.phase() == .failed)
        let app = try #require(await h.track("app"))
        guard case .terminated(let exit) = app.state else {
            Issue.record("expected a terminated state, got \(app.state)")
            return
        }
        #expect(exit.exitCode == 128)
        #expect(exit.reason == "CreateContainerError")
        #expect(exit.message.contains("step exec failed"))
        #expect(h.fake.callNames.filter { $0.hasPrefix("create") }.count == 1)
    }

    @Test func createFailureMessageIsTheRuntimeError() async throws {
        let h = WorkerHarness(makePlan(), backOff: .hour)
        h.fake.script("app", [.failsCreate(.image(reference: "nope:1", message: "not found"))])
        h.start()
        #expect(await poll { await h.track("app")?.state.waitingReason == "ErrImagePull" })
        let app = try #require(await h.track("app"))
        #expect(app.state == .waiting(reason: "ErrImagePull", message: "image \"nope:1\": not found"))
        #expect(await h.worker.snapshot().phase == .pending)
        #expect(await h.stop() != nil)
    }
}
