import Foundation
import Hummingbird
import Logging
import NIOCore

/// What a test's stub saw of a request.
struct StubRequest: Sendable {
    var method: String
    var path: String
    var query: String
    var contentType: String?
    var body: Data

    func queryValue(_ name: String) -> String? {
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.first == name { return parts.count > 1 ? parts[1].removingPercentEncoding : "" }
        }
        return nil
    }
}

/// A stub answer: a status and a body, or a streamed body written piece by piece.
enum StubResponse: Sendable {
    case json(Int, String)
    case stream([String], delay: Duration = .milliseconds(5), thenHang: Bool = false)
}

/// A tiny Hummingbird server on a free loopback port, answering every request with `handler`.
final class StubServer: Sendable {
    let url: String
    private let task: Task<Void, any Error>

    private init(url: String, task: Task<Void, any Error>) {
        self.url = url
        self.task = task
    }

    static func start(_ handler: @escaping @Sendable (StubRequest) async -> StubResponse) async throws -> StubServer {
        let router = Router()
        let respond: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
            var body = try await request.body.collect(upTo: 1 << 20)
            let stub = StubRequest(method: request.method.rawValue, path: request.uri.path, query: request.uri.query ?? "",
                                   contentType: request.headers[.contentType],
                                   body: body.readData(length: body.readableBytes) ?? Data())
            switch await handler(stub) {
            case .json(let code, let text):
                return Response(status: .init(code: code), headers: [.contentType: "application/json"],
                                body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
            case .stream(let pieces, let delay, let hang):
                return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody { writer in
                    for piece in pieces {
                        try await writer.write(ByteBuffer(string: piece))
                        try await Task.sleep(for: delay)
                    }
                    if hang { try await Task.sleep(for: .seconds(30)) }
                    try await writer.finish(nil)
                })
            }
        }
        for method in [HTTPRequest.Method.get, .post, .put, .patch, .delete] {
            router.on("**", method: method, use: respond)
        }
        let port = PortBox()
        var logger = Logger(label: "stub")
        logger.logLevel = .critical
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { channel in port.set(channel.localAddress?.port ?? 0) }, logger: logger)
        let task = Task { try await app.runService(gracefulShutdownSignals: []) }
        let deadline = ContinuousClock.now + .seconds(10)
        while port.get() == 0 && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        return StubServer(url: "http://127.0.0.1:\(port.get())", task: task)
    }

    func stop() { task.cancel() }
}

private final class PortBox: @unchecked Sendable {
    private let lock = NSLock()
    private var port = 0
    func set(_ value: Int) { lock.withLock { port = value } }
    func get() -> Int { lock.withLock { port } }
}

/// Records values across tasks.
final class Recorder<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [T] = []
    func append(_ item: T) { lock.withLock { items.append(item) } }
    var all: [T] { lock.withLock { items } }
}

func poll(timeout: Duration = .seconds(5), _ condition: () async -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return await condition()
}

func status(_ code: Int, _ reason: String, _ message: String) -> String {
    #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"\#(message)","reason":"\#(reason)","code":\#(code)}"#
}
