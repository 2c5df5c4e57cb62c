import BerthRuntime
import Testing

@testable import BerthNode

@Suite struct BackOffTests {
    @Test func defaultsAreTheKubeletsTenSecondsDoublingToFiveMinutes() {
        var backOff = BackOff()
        let delays = (0..<8).map { _ in backOff.next(ranFor: .seconds(1)) }
        #expect(delays == [10, 20, 40, 80, 160, 300, 300, 300].map { .seconds($0) })
    }

    @Test(arguments: [
        (Duration.seconds(599), Duration.seconds(80)),
        (.seconds(600), .seconds(10)),
        (.seconds(3600), .seconds(10)),
    ])
    func resetsAfterTenMinutesOfRunning(ranFor: Duration, expected: Duration) {
        var backOff = BackOff()
        for _ in 0..<3 { _ = backOff.next(ranFor: .zero) }  // 10, 20, 40
        #expect(backOff.next(ranFor: ranFor) == expected)
    }

    @Test func eachCopyKeepsItsOwnSequence() {
        let template = BackOff(base: .milliseconds(5), cap: .milliseconds(15))
        var a = template, b = template
        #expect([a.next(ranFor: .zero), a.next(ranFor: .zero), a.next(ranFor: .zero)] == [5, 10, 15].map { .milliseconds($0) })
        #expect(b.next(ranFor: .zero) == .milliseconds(5))
    }
}

@Suite struct ExpansionTests {
    static let variables = ["NAME": "world", "EMPTY": "", "PORT": "8080", "DOLLAR": "$(NAME)"]

    @Test(arguments: [
        ("hello $(NAME)", "hello world"),
        ("$(NAME)$(PORT)", "world8080"),
        ("$(EMPTY)x", "x"),
        ("$(UNDEFINED)", "$(UNDEFINED)"),
        ("a $(UNDEFINED) b $(NAME)", "a $(UNDEFINED) b world"),
        ("$$(NAME)", "$(NAME)"),
        ("$$$(NAME)", "$world"),
        ("$$", "$"),
        ("cost: $5", "cost: $5"),
        ("trailing $", "trailing $"),
        ("$(NAME", "$(NAME"),
        ("$(NAME $$", "$(NAME $"),
        ("$(NAME $(PORT)", "$(NAME $(PORT)"),
        ("$()", "$()"),
        ("$(DOLLAR)", "$(NAME)"),  // values are not expanded again
        ("no variables", "no variables"),
        ("", ""),
    ])
    func expand(input: String, expected: String) {
        #expect(Expansion.expand(input) { Self.variables[$0] } == expected)
    }
}

@Suite struct PhaseRulesTests {
    @Test(arguments: [
        (ContainerRole.app, Int32(0), RestartPolicy.always, true),
        (.app, 1, .always, true),
        (.app, 0, .onFailure, false),
        (.app, 137, .onFailure, true),
        (.app, 0, .never, false),
        (.app, 1, .never, false),
        (.initContainer, 0, .always, false),
        (.initContainer, 1, .always, true),
        (.initContainer, 1, .onFailure, true),
        (.initContainer, 1, .never, false),
        (.sidecar, 0, .never, true),
        (.sidecar, 1, .never, true),
        (.sidecar, 0, .onFailure, true),
    ])
    func shouldRestart(role: ContainerRole, exitCode: Int32, policy: RestartPolicy, expected: Bool) {
        #expect(PhaseRules.shouldRestart(role: role, exitCode: exitCode, policy: policy) == expected)
    }

    static func track(_ name: String, _ state: ContainerTrack.State, role: ContainerRole = .app, finished: Bool = false,
                      last: Int32? = nil) -> ContainerTrack {
        ContainerTrack(name: name, role: role, image: "busybox", imageID: "", containerID: nil, restartCount: 0, state: state,
                       lastTermination: last.map(exit), finished: finished)
    }

    static func exit(_ code: Int32) -> ContainerExit {
        ContainerExit(exitCode: code, signal: 0, reason: code == 0 ? "Completed" : "Error", message: "", startedAt: "", finishedAt: "")
    }

    static let running = ContainerTrack.State.running(startedAt: "2026-01-01T00:00:00Z")
    static func ended(_ code: Int32) -> ContainerTrack.State { .terminated(exit(code)) }

    struct PhaseCase: Sendable, CustomTestStringConvertible {
        var name: String
        var initialized = true
        var initContainers: [ContainerTrack] = []
        var containers: [ContainerTrack]
        var policy: RestartPolicy = .always
        var expected: PodPhase
        var testDescription: String { name }
    }

    @Test(arguments: [
        PhaseCase(name: "all running", containers: [track("a", running), track("b", running)], expected: .running),
        PhaseCase(name: "one still creating", containers: [track("a", running), track("b", .waiting(reason: "ContainerCreating", message: ""))],
                  expected: .pending),
        PhaseCase(name: "image pull failing", containers: [track("a", .waiting(reason: "ErrImagePull", message: ""))], expected: .pending),
        PhaseCase(name: "crash loop", containers: [track("a", .waiting(reason: "CrashLoopBackOff", message: ""), last: 1)],
                  expected: .running),
        PhaseCase(name: "exited, to be restarted", containers: [track("a", ended(1))], expected: .running),
        PhaseCase(name: "all succeeded", containers: [track("a", ended(0), finished: true), track("b", ended(0), finished: true)],
                  policy: .never, expected: .succeeded),
        PhaseCase(name: "one failed", containers: [track("a", ended(0), finished: true), track("b", ended(2), finished: true)],
                  policy: .never, expected: .failed),
        PhaseCase(name: "one failed, one running", containers: [track("a", running), track("b", ended(2), finished: true)],
                  policy: .never, expected: .running),
        PhaseCase(name: "init running", initialized: false, initContainers: [track("i", running, role: .initContainer)],
                  containers: [track("a", .waiting(reason: "PodInitializing", message: ""))], expected: .pending),
        PhaseCase(name: "init failed, Never", initialized: false,
                  initContainers: [track("i", ended(1), role: .initContainer, finished: true)],
                  containers: [track("a", .waiting(reason: "PodInitializing", message: ""))], policy: .never, expected: .failed),
        PhaseCase(name: "init failed, OnFailure", initialized: false,
                  initContainers: [track("i", .waiting(reason: "CrashLoopBackOff", message: ""), role: .initContainer, last: 1)],
                  containers: [track("a", .waiting(reason: "PodInitializing", message: ""))], policy: .onFailure, expected: .pending),
    ])
    func phase(_ c: PhaseCase) {
        #expect(PhaseRules.phase(initialized: c.initialized, initContainers: c.initContainers, containers: c.containers,
                                 restartPolicy: c.policy) == c.expected)
    }

    @Test(arguments: [
        ([ended(0), ended(0)], false, false, PodPhase.succeeded),
        ([ended(0), ended(1)], false, false, .failed),
        ([ended(0), running], false, false, .failed),
        ([ended(0)], true, false, .failed),
        ([ended(0)], false, true, .failed),
    ])
    func finalPhase(states: [ContainerTrack.State], initFailed: Bool, sandboxFailed: Bool, expected: PodPhase) {
        let tracks = states.enumerated().map { Self.track("c\($0.offset)", $0.element, finished: true) }
        #expect(PhaseRules.finalPhase(tracks: tracks, initFailed: initFailed, current: .running, sandboxFailed: sandboxFailed) == expected)
    }
}
