import BerthAPI
import BerthRuntime
import Foundation
import Hummingbird
import Logging

/// `kubectl logs` parameters as the endpoint receives them.
struct LogRequest: Sendable, Equatable {
    var follow = false
    var previous = false
    var options = CRILogOptions()

    /// `value(name)` gives a query parameter. Bad numbers are 400s, as in the API server.
    init(query value: (String) -> String?, now: Date = Date()) throws(EndpointFailure) {
        func flag(_ name: String) -> Bool { QueryParameters.bool(value(name)) }
        func integer(_ name: String) throws(EndpointFailure) -> Int? {
            guard let text = value(name), !text.isEmpty else { return nil }
            guard let number = Int(text), number >= 0 else {
                throw EndpointFailure(.badRequest("invalid value for \(name): \(text)"))
            }
            return number
        }
        follow = flag("follow")
        previous = flag("previous")
        options.timestamps = flag("timestamps")
        options.tailLines = try integer("tailLines")
        options.limitBytes = try integer("limitBytes")
        if let seconds = try integer("sinceSeconds") {
            options.sinceTime = now.addingTimeInterval(-Double(seconds))
        } else if let text = value("sinceTime"), !text.isEmpty {
            guard let date = RFC3339.parse(text) else {
                throw EndpointFailure(.badRequest("invalid value for sinceTime: \(text)"))
            }
            options.sinceTime = date
        }
    }
}

extension AgentEndpoint {
    /// The container's log, as `berth logs` prints it; while following, streamed until the
    /// container ends (or restarts: the API server's stream also ends there).
    func logs(request: Request, namespace: String, pod: String, container: String) async -> Response {
        let target: EndpointTarget
        let logRequest: LogRequest
        let path: String
        let restartCount: Int
        do {
            target = try EndpointTarget.resolve(store: store, namespace: namespace, pod: pod, container: container)
            let query = FormQuery(request.uri.query)
            logRequest = try LogRequest { query.first($0) }
            (path, restartCount) = try target.logPath(paths: paths, previous: logRequest.previous)
        } catch {
            return Self.response(error.status)
        }
        let headers: HTTPFields = [.contentType: "text/plain"]
        let reader = CRILogReader(pollInterval: logPollInterval)

        guard logRequest.follow && !logRequest.previous else {
            do {
                let data = try reader.read(path: path, options: logRequest.options)
                return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
            } catch {
                let message = logRequest.previous
                    ? "previous terminated container \"\(container)\" in pod \"\(pod)\" not found"
                    : target.waitingMessage
                return Self.response(.badRequest(message))
            }
        }

        let store = self.store
        let uid = target.uid
        let options = logRequest.options
        let logger = self.logger
        // Done once the run we started on is over: not running, or already restarted (a
        // fast restart can come between two polls).
        let isFinished: @Sendable () -> Bool = {
            guard let current = store.load(uid: uid),
                  let status = EndpointTarget(pod: current, container: container).status else { return true }
            return status.state?.running == nil || Int(status.restartCount) != restartCount
        }
        guard FileManager.default.fileExists(atPath: path) || !isFinished() else {
            return Self.response(.badRequest(target.waitingMessage))
        }
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            let (chunks, continuation) = AsyncStream<Data>.makeStream()
            let follower = Task {
                defer { continuation.finish() }
                do {
                    try await reader.follow(path: path, options: options, isFinished: isFinished) { continuation.yield($0) }
                } catch is CancellationError {
                } catch {
                    logger.info("log follow ended", metadata: ["path": "\(path)", "error": "\(error)"])
                }
            }
            defer { follower.cancel() }
            for await chunk in chunks {
                try await writer.write(ByteBuffer(bytes: chunk))
            }
            try await writer.finish(nil)
        })
    }
}
