import Hummingbird
import LoupeDomain

/// Builds the HTTP router: middleware, every route with its roles, and the static UI.
public enum LoupeRouter {
    public static func build(_ deps: APIDependencies) -> Router<LoupeRequestContext> {
        let router = Router(context: LoupeRequestContext.self)
        let metrics = LoupeMetrics.shared
        let authenticator = Authenticator(keys: deps.keys, users: deps.users, clock: deps.clock)
        let limiter = RateLimiter(defaultRate: deps.security.defaultRateLimit, instances: deps.security.instances, clock: deps.clock)
        let access = RouteGuard(authenticator: authenticator, limiter: limiter)
        let table = RouteTable()
        let problems = ProblemMiddleware(classify: deps.classifyError, routes: table)
        let catalog = TaskCatalog(repository: deps.tasks)
        let batches = BatchGate(slots: deps.limits.maxConcurrentBatches, queue: deps.limits.batchQueue)
        let items = ItemsController(deps: deps, catalog: catalog, metrics: metrics, limiter: limiter, batches: batches)
        router.add(middleware: WaitAhead(items: items, access: access, problems: problems))
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: problems)
        router.add(middleware: DeadlineMiddleware(seconds: deps.limits.requestDeadlineSeconds))
        router.add(middleware: LoadShedding(limit: deps.security.maxConcurrentRequests, intakeShare: 0.75))
        router.add(middleware: RequestHygieneMiddleware())
        switch deps.webStatic {
        case .embedded:
            router.add(middleware: StaticFiles(files: FileMiddleware(fileProvider: EmbeddedFileProvider.webStatic, searchForIndexHtml: true)))
        case .directory(let directory):
            router.add(middleware: StaticFiles(files: FileMiddleware(directory, searchForIndexHtml: true)))
        case .none: break
        }
        let routes = RouteRegistrar(router: router, access: access, table: table)
        OperationsController(deps: deps, metrics: metrics, batches: batches).register(routes)
        TasksController(deps: deps, catalog: catalog).register(routes)
        items.register(routes)
        ReviewController(deps: deps, catalog: catalog).register(routes)
        SessionController(deps: deps, authenticator: authenticator).register(routes)
        SetupController(deps: deps).register(routes)
        PeopleController(deps: deps).register(routes)
        CommentsController(deps: deps).register(routes)
        BulkController(deps: deps, catalog: catalog).register(routes)
        ReviewQualityController(deps: deps).register(routes)
        GoldController(deps: deps).register(routes)
        InsightsController(deps: deps).register(routes)
        ThresholdController(deps: deps).register(routes)
        ExamplesController(deps: deps).register(routes)
        ExampleSearchController(deps: deps).register(routes)
        ExportController(deps: deps).register(routes)
        WebhooksController(deps: deps).register(routes)
        CallbacksController(deps: deps).register(routes)
        KeysController(deps: deps, authenticator: authenticator).register(routes)
        EventsController(deps: deps).register(routes)
        ErasureController(deps: deps).register(routes)
        return router
    }
}
