import Foundation
import Testing

@testable import BerthNode

/// The probe result state machine (thresholds) and the probe loop's timing, driven by a
/// manual clock: nothing here waits for real time to pass.
@Suite struct ProbeLoopTests {
    struct CounterCase: Sendable, CustomTestStringConvertible {
        var kind: ProbeKind
        var success: Int
        var failure: Int
        /// s = success, f = failure, e = error.
        var runs: String
        /// The result after each run; "." where it did not change.
        var changes: String
        var testDescription: String { "\(kind.rawValue) s\(success)/f\(failure): \(runs) → \(changes)" }
    }

    @Test(arguments: [
        // Readiness starts failed: one success makes it pass, three failures in a row fail it.
        CounterCase(kind: .readiness, success: 1, failure: 3, runs: "fsffsfff", changes: ".t.....f"),
        // successThreshold 2: two successes in a row, an error in between does not break the run.
        CounterCase(kind: .readiness, success: 2, failure: 1, runs: "sfsesf", changes: "....tf"),
        // Liveness starts passed: successes change nothing, the third failure in a row fails it.
        CounterCase(kind: .liveness, success: 1, failure: 3, runs: "ffsfffs", changes: ".....ft"),
        // Startup starts unknown: a first success passes it, failures need the threshold.
        CounterCase(kind: .startup, success: 1, failure: 2, runs: "s", changes: "t"),
        CounterCase(kind: .startup, success: 1, failure: 2, runs: "fef", changes: "..f"),
        // Errors alone never decide anything.
        CounterCase(kind: .readiness, success: 1, failure: 1, runs: "eee", changes: "..."),
    ])
    func thresholds(_ c: CounterCase) {
        var counter = ProbeCounter(spec: .scripted("x", success: c.success, failure: c.failure), kind: c.kind)
        var changes = ""
        for run in c.runs {
            let outcome: ProbeOutcome = run == "s" ? .passed : run == "f" ? .failed() : .error("boom")
            switch counter.record(outcome) {
            case true?: changes += "t"
            case false?: changes += "f"
            case nil: changes += "."
            }
        }
        #expect(changes == c.changes)
    }

    /// Collects what a loop reports.
    final class Reports: @unchecked Sendable {
        private let lock = NSLock()
        private var items: [ContainerProbeLoop<ManualClock>.Report] = []
        func append(_ report: ContainerProbeLoop<ManualClock>.Report) { lock.withLock { items.append(report) } }
        var all: [ContainerProbeLoop<ManualClock>.Report] { lock.withLock { items } }
    }

    func makeLoop(_ probes: ContainerProbes, clock: ManualClock, prober: ScriptedProber, reports: Reports)
        -> ContainerProbeLoop<ManualClock> {
        ContainerProbeLoop(probes: probes, target: ProbeTarget(containerID: "c1", sandboxID: "s1"), prober: prober,
                           clock: clock, startedAt: clock.now) { reports.append($0) }
    }

    @Test func initialDelayThenOncePerPeriod() async throws {
        let clock = ManualClock()
        let prober = ScriptedProber()
        prober.set("ready", .failed("not yet"))
        let reports = Reports()
        let loop = makeLoop(ContainerProbes(readiness: .scripted("ready", period: .seconds(10), initialDelay: .seconds(5))),
                            clock: clock, prober: prober, reports: reports)
        let task = Task { await loop.run() }
        defer { task.cancel() }

        #expect(await poll { clock.pendingDeadlines == [.seconds(5)] })
        clock.advance(by: .seconds(4))
        #expect(clock.pendingDeadlines == [.seconds(5)], "not due before the initial delay")
        #expect(prober.callCount("ready") == 0)
        clock.advance(by: .seconds(1))
        #expect(await poll { prober.callCount("ready") == 1 && clock.pendingDeadlines == [.seconds(15)] })
        clock.advance(by: .seconds(9))
        #expect(prober.callCount("ready") == 1)
        clock.advance(by: .seconds(1))
        #expect(await poll { prober.callCount("ready") == 2 && clock.pendingDeadlines == [.seconds(25)] })
        // Readiness starts failed, so failures are reported as runs, never as a change.
        #expect(reports.all == [.unhealthy(.readiness, .failed("not yet")), .unhealthy(.readiness, .failed("not yet"))])

        prober.set("ready", .passed)
        clock.advance(by: .seconds(10))
        #expect(await poll { reports.all.last == .changed(.readiness, passed: true) })
        task.cancel()
        await task.value
        #expect(clock.pendingDeadlines.isEmpty, "cancelling ends the loop")
    }

    @Test func startupGatesTheOthersAndLivenessStopsAtItsVerdict() async throws {
        let clock = ManualClock()
        let prober = ScriptedProber()
        prober.script("start", [.failed("starting"), .error("exec failed")])
        prober.script("live", [.failed("a"), .failed("b")])
        let reports = Reports()
        let probes = ContainerProbes(startup: .scripted("start", period: .seconds(1), failure: 5),
                                     liveness: .scripted("live", period: .seconds(2), failure: 2),
                                     readiness: .scripted("ready", period: .seconds(3)))
        let task = Task { await makeLoop(probes, clock: clock, prober: prober, reports: reports).run() }
        defer { task.cancel() }

        // Startup runs at once and each second; nothing else runs meanwhile.
        #expect(await poll { prober.callCount("start") == 1 && clock.pendingDeadlines == [.seconds(1)] })
        clock.advance(by: .seconds(1))
        #expect(await poll { prober.callCount("start") == 2 && clock.pendingDeadlines == [.seconds(2)] })
        #expect(prober.callCount("live") == 0 && prober.callCount("ready") == 0)
        clock.advance(by: .seconds(1))
        // Third run passes: started. Liveness and readiness start now (their delays are over).
        #expect(await poll { prober.callCount("live") == 1 && prober.callCount("ready") == 1 })
        #expect(await poll { clock.pendingDeadlines == [.seconds(4), .seconds(5)] })
        clock.advance(by: .seconds(2))
        // The second liveness failure is its verdict; its loop ends, readiness goes on.
        #expect(await poll { reports.all.contains(.changed(.liveness, passed: false)) })
        #expect(await poll { clock.pendingDeadlines == [.seconds(5)] })
        #expect(prober.callCount("live") == 2)
        #expect(reports.all == [
            .unhealthy(.startup, .failed("starting")), .unhealthy(.startup, .error("exec failed")),
            .changed(.startup, passed: true),
            .unhealthy(.liveness, .failed("a")), .changed(.readiness, passed: true),
            .unhealthy(.liveness, .failed("b")), .changed(.liveness, passed: false),
        ] || reports.all == [
            .unhealthy(.startup, .failed("starting")), .unhealthy(.startup, .error("exec failed")),
            .changed(.startup, passed: true),
            .changed(.readiness, passed: true), .unhealthy(.liveness, .failed("a")),
            .unhealthy(.liveness, .failed("b")), .changed(.liveness, passed: false),
        ], "\(reports.all)")
    }

    @Test func aFailedStartupProbeEndsTheLoop() async throws {
        let clock = ManualClock()
        let prober = ScriptedProber()
        prober.set("start", .failed())
        let reports = Reports()
        let probes = ContainerProbes(startup: .scripted("start", period: .seconds(1), failure: 2),
                                     readiness: .scripted("ready"))
        let task = Task { await makeLoop(probes, clock: clock, prober: prober, reports: reports).run() }
        #expect(await poll { clock.pendingDeadlines == [.seconds(1)] })
        clock.advance(by: .seconds(1))
        await task.value
        #expect(reports.all.last == .changed(.startup, passed: false))
        #expect(prober.callCount("start") == 2 && prober.callCount("ready") == 0)
    }
}
