import LoupeDomain

/// Everything the HTTP layer needs, as domain protocols: the API never sees PostgreSQL directly.
public struct APIDependencies: Sendable {
    public var tasks: any TaskRepository
    public var items: any ItemRepository
    public var keys: any APIKeyRepository
    public var review: any ReviewRepository
    public var users: any UserRepository
    public var insights: any InsightsRepository
    public var examples: any ExampleRepository
    public var export: any ExportRepository
    public var webhooks: any WebhookRepository
    public var passwords: PasswordHasher
    public var readiness: any ReadinessProbe
    public var clock: any LoupeClock
    public var limits: BodyLimits
    /// Maps storage errors to problems (e.g. database unreachable → 503); nil leaves them as 500.
    public var classifyError: @Sendable (any Error) -> Problem?
    /// Where `/` and the UI's files come from.
    public var webStatic: WebStatic
    public var security = SecuritySettings()
    /// Erasure requests (`DELETE /v1/items?task=&external_id=`).
    public var erasure: (any ErasureRepository)?
    /// The event log behind `GET /v1/events`.
    public var events: (any EventRepository)?
    /// People as admins manage them (`/v1/users`) and their one-time links.
    public var people: (any PeopleRepository)?
    /// Consensus reviews of items that need several.
    public var consensus: (any ConsensusRepository)?
    /// Gold items: known answers served among real items to measure reviewers.
    public var gold: (any GoldRepository)?
    /// Bulk approvals with undo.
    public var bulk: (any BulkApprovalRepository)?
    /// Comments on items.
    public var comments: (any CommentRepository)?
    /// Drift checks' outcomes, for `GET /v1/tasks/{name}/drift`.
    public var drift: (any DriftRepository)?
    /// Requests waiting for decisions, woken by the server's LISTEN connection.
    public var waiters = DecisionWaiters(capacity: 10_000)
    public var waiting = WaitingSettings()
    /// Each task's example embeddings in memory, kept current by the server's LISTEN connection.
    public var vectors = ExampleVectors(limitBytes: 1 << 30)
    /// The first-run setup link, open while no admin account exists.
    public var setup = FirstRunSetup()
    /// Few-shot search over `examples` and `vectors`.
    public var exampleSearch: ExampleSearch { ExampleSearch(examples: examples, vectors: vectors) }
    /// Where webhooks and callbacks may go.
    public var destinations: DestinationPolicy { security.destinations }

    public init(tasks: any TaskRepository, items: any ItemRepository, keys: any APIKeyRepository,
                review: any ReviewRepository, users: any UserRepository, insights: any InsightsRepository,
                examples: any ExampleRepository, export: any ExportRepository, webhooks: any WebhookRepository,
                passwords: PasswordHasher,
                readiness: any ReadinessProbe, clock: any LoupeClock = SystemClock(), limits: BodyLimits = .init(),
                classifyError: @escaping @Sendable (any Error) -> Problem? = { _ in nil }, webStatic: WebStatic = .none) {
        self.tasks = tasks
        self.items = items
        self.keys = keys
        self.review = review
        self.users = users
        self.insights = insights
        self.examples = examples
        self.export = export
        self.webhooks = webhooks
        self.passwords = passwords
        self.readiness = readiness
        self.clock = clock
        self.limits = limits
        self.classifyError = classifyError
        self.webStatic = webStatic
    }
}
