import BerthAPI
import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import ServiceLifecycle

/// The request context of every route: WebSocket capable, for `pods/exec`.
public struct APIRequestContext: RequestContext, WebSocketRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let webSocket: WebSocketHandlerReference<APIRequestContext>

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        webSocket = .init()
    }
}

/// Berth's Kubernetes API server: discovery, OpenAPI, and the REST verbs (with watch, tables and
/// patches) for the kinds in `BuiltinResources`, on top of any `StorageBackend`.
///
/// `berth server` / `berth up` run `makeApplication(host:port:)` under swift-service-lifecycle;
/// tests drive `buildRouter()` through HummingbirdTesting.
public struct APIServer: Sendable {
    public let backend: any StorageBackend
    public let logger: Logger
    let store: ObjectStore

    public init(backend: any StorageBackend, logger: Logger) {
        self.backend = backend
        self.logger = logger
        self.store = ObjectStore(backend: backend, logger: logger)
    }

    /// The namespaces a cluster has from the start; existing ones are left as they are.
    public static let initialNamespaces = ["default", "kube-system", "kube-public", "kube-node-lease"]

    /// Creates the initial namespaces. Idempotent, so it runs on every start.
    public func bootstrap() async throws {
        for name in Self.initialNamespaces {
            let body: JSONValue = .object(["apiVersion": "v1", "kind": "Namespace", "metadata": .object(["name": .string(name)])])
            do {
                _ = try await store.create(.namespaces, namespace: nil, body: body, options: WriteOptions())
                logger.info("namespace created", metadata: ["namespace": "\(name)"])
            } catch {
                if error.reason == "AlreadyExists" { continue }
                throw error
            }
        }
    }

    /// The routes: health, version, discovery, OpenAPI and every resource path.
    public func buildRouter() -> Router<APIRequestContext> {
        let router = Router(context: APIRequestContext.self)
        router.add(middleware: ErrorMiddleware(logger: logger))
        for path in ["/healthz", "/livez", "/readyz"] {
            router.get(RouterPath(path)) { _, _ in APIResponse.text("ok") }
        }
        router.get("/version") { _, _ in APIResponse.json(Discovery.version()) }
        router.get("/openapi/v2") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: OpenAPI.v2ContentType],
                     body: .init(byteBuffer: ByteBuffer(bytes: OpenAPI.emptyV2Document)))
        }
        router.get("/openapi/v3") { _, _ in APIResponse.json(OpenAPI.index()) }
        router.get("/openapi/v3/**") { request, context -> Response in
            let path = context.parameters.getCatchAll().joined(separator: "/")
            guard let document = OpenAPI.document(path) else {
                throw APIError.pathNotFound
            }
            return APIResponse.json(document)
        }
        let handler = ResourceHandler(server: self)
        for root in ["/api", "/apis"] {
            for method in [HTTPRequest.Method.get, .post, .put, .patch, .delete] {
                router.on(RouterPath(root), method: method) { request, context in
                    try await handler.handle(request, context: context)
                }
                router.on(RouterPath(root + "/**"), method: method) { request, context in
                    try await handler.handle(request, context: context)
                }
            }
        }
        return router
    }

    /// The router that decides on WebSocket upgrades (only `pods/exec` upgrades).
    func buildWebSocketRouter() -> Router<APIRequestContext> {
        let router = Router(context: APIRequestContext.self)
        ExecProxy(server: self).addRoutes(to: router)
        return router
    }

    /// The HTTP server with its background services (the namespace controller).
    /// `onServerRunning` receives the bound port (useful with port 0).
    public func makeApplication(
        host: String, port: Int, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            router: buildRouter(),
            server: .http1WebSocketUpgrade(webSocketRouter: buildWebSocketRouter()),
            configuration: .init(address: .hostname(host, port: port), serverName: "berth-apiserver"),
            services: [NamespaceController(store: store, logger: logger)],
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
            logger: logger)
    }

    /// The contract's name for `makeApplication(host:port:)`.
    public func application(listen host: String, port: Int) -> some ApplicationProtocol {
        makeApplication(host: host, port: port)
    }

    /// The contract's name for `buildRouter()`.
    public func router() -> Router<APIRequestContext> { buildRouter() }
}

/// Turns every error into a `Status` body: ours carry their code; anything else is a 500.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            return APIResponse.json(error.statusObject, status: error.status)
        } catch let error as HTTPError where error.status == .notFound {
            return APIResponse.json(APIError.pathNotFound.statusObject,
                                    status: .notFound)
        } catch let error as HTTPError {
            return APIResponse.json(APIError(code: Int(error.status.code), reason: error.status.reasonPhrase,
                                             message: error.body ?? error.status.reasonPhrase).statusObject, status: error.status)
        } catch {
            logger.error("request failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            let apiError = APIError.internalError("\(error)")
            return APIResponse.json(apiError.statusObject, status: apiError.status)
        }
    }
}
