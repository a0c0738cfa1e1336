/// Whether the current task serves a client request: requests wait a bounded time for a database connection
/// and are refused beyond it, while background services (dispatcher, rescuer) wait their turn, because a
/// refused "record this attempt" would leave a delivery to be sent twice.
public enum ConnectionWaitScope {
    @TaskLocal public static var bounded = false
}
