import AsyncHTTPClient
import BerthAPI
import Foundation
import NIOCore

extension KubeClient {
    /// Watches a collection (or one object, with a `metadata.name` field selector) from
    /// `options.resourceVersion`. Each event of the chunked response is yielded as soon as its
    /// frame is complete, ERROR events included (their object is a Status: a 410 there means
    /// the resourceVersion is too old). The stream ends when the server closes the response
    /// (`timeoutSeconds`, shutdown); it throws `KubeError` when the request fails. Cancelling
    /// the consuming task closes the connection.
    public func watch(_ ref: ResourceRef, options: ListOptions = ListOptions()) -> AsyncThrowingStream<WatchEvent, any Error> {
        let request = makeRequest(.GET, ref.path, query: options.queryItems(watch: true), body: nil,
                                  contentType: "application/json")
        // The server ends the stream after timeoutSeconds; the deadline is only a backstop.
        let deadline = NIODeadline.now() + .seconds(Int64(options.timeoutSeconds ?? 24 * 3600) + 60)
        let http = self.http
        let path = ref.path
        return AsyncThrowingStream { continuation in
            let task = Task {
                do throws(KubeError) {
                    let response: HTTPClientResponse
                    do { response = try await http.execute(request, deadline: deadline) } catch {
                        throw .transport("watch \(path)", error)
                    }
                    guard response.status == .ok else {
                        let buffer = (try? await response.body.collect(upTo: 1 << 20)) ?? ByteBuffer()
                        throw KubeError.from(statusCode: Int(response.status.code), body: Data(buffer.readableBytesView))
                    }
                    var splitter = WatchFrameSplitter()
                    do {
                        for try await chunk in response.body {
                            for frame in try splitter.append(chunk.readableBytesView) {
                                continuation.yield(try Self.decodeEvent(frame))
                            }
                        }
                    } catch let error as KubeError {
                        throw error
                    } catch let error as WatchFrameSplitter.SplitError {
                        throw KubeError(code: 0, reason: "Watch", message: "watch \(path): \(error)")
                    } catch {
                        if Task.isCancelled { return }
                        throw .transport("watch \(path)", error)
                    }
                    do { try splitter.finish() } catch {
                        throw KubeError(code: 0, reason: "Watch", message: "watch \(path): \(error)")
                    }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    static func decodeEvent(_ frame: Data) throws(KubeError) -> WatchEvent {
        let value: JSONValue
        do { value = try JSONValue(parsingJSON: frame) } catch {
            throw .decoding("watch frame", error)
        }
        guard let type = value["type"]?.stringValue, let object = value["object"] else {
            throw KubeError(code: 0, reason: "Decoding", message: "watch frame without type and object")
        }
        return WatchEvent(type: type, object: object)
    }
}
