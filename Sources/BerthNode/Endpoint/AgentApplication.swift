import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle

/// Hummingbird's `Application`, with one change: the `Date` header is written from gmtime_r.
/// Hummingbird's own date cache formats it with Foundation's Calendar and TimeZone, which load
/// ICU (its time zone, calendar and locale data): 5 to 6 MB of the agent's resident memory for
/// a header, and ICU was nothing else in the agent needed (berth-bench cluster). The request
/// handling is Hummingbird's `ApplicationProtocol.run()`, minus its task-local logger; an error
/// escaping the router (it turns handler errors into responses itself) becomes a 500.
struct AgentApplication<Responder: HTTPResponder>: ApplicationProtocol
where Responder.Context: InitializableFromSource<ApplicationRequestContextSource> {
    let responder: Responder
    let server: HTTPServerBuilder
    let configuration: ApplicationConfiguration
    let logger: Logger
    let onRunning: @Sendable (any Channel) async -> Void

    @Sendable func onServerRunning(_ channel: any Channel) async { await onRunning(channel) }

    func run() async throws {
        let responder = self.responder
        let logger = self.logger
        let dates = HTTPDate()
        let serverConfiguration = ServerConfiguration(
            address: configuration.address, serverName: configuration.serverName, backlog: configuration.backlog,
            reuseAddress: configuration.reuseAddress)
        let server = try server.buildServer(
            configuration: serverConfiguration, eventLoopGroup: eventLoopGroup, logger: logger
        ) { (request, responseWriter: consuming ResponseWriter, channel) in
            let context = Responder.Context(source: .init(channel: channel, logger: logger))
            var response: Response
            do {
                response = try await responder.respond(to: request, context: context)
            } catch {
                logger.debug("Unrecognised Error", metadata: ["error.type": "\(error)"])
                response = Response(status: .internalServerError, body: .init())
            }
            response.headers[.date] = dates.now()
            try await responseWriter.write(response: response.head, body: response.body)
        } onServerRunning: {
            await self.onServerRunning($0)
        }
        let group = ServiceGroup(configuration: .init(services: services + [server], logger: logger))
        try await group.run()
    }
}

/// RFC 9110's IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), formatted once per second.
final class HTTPDate: @unchecked Sendable {
    private let lock = NSLock()
    private var cached: (second: time_t, text: String) = (-1, "")

    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    func now() -> String {
        var seconds = time(nil)
        return lock.withLock {
            if cached.second == seconds { return cached.text }
            let text = Self.format(&seconds)
            cached = (seconds, text)
            return text
        }
    }

    static func format(_ seconds: inout time_t) -> String {
        var fields = tm()
        gmtime_r(&seconds, &fields)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(days[Int(fields.tm_wday) % 7]), \(two(fields.tm_mday)) \(months[Int(fields.tm_mon) % 12]) \(fields.tm_year + 1900) "
            + "\(two(fields.tm_hour)):\(two(fields.tm_min)):\(two(fields.tm_sec)) GMT"
    }
}
