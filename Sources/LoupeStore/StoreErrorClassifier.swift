import LoupeDomain
import PostgresNIO

/// Maps driver errors to problems an API client can act on: an unreachable or restarting
/// database is a 503 to retry, never a 500.
public enum StoreErrorClassifier {
    public static func problem(for error: any Error) -> Problem? {
        guard let error = error as? PSQLError else { return nil }
        if error.code == .server {
            let state = error.serverInfo?[.sqlState] ?? ""
            // 08 connection exception, 53 insufficient resources, 57 operator intervention (shutdown), 58 system error.
            guard ["08", "53", "57", "58"].contains(String(state.prefix(2))) else { return nil }
            return .unavailable("the database is unavailable (\(error.serverInfo?[.message] ?? state)); retry shortly")
        }
        return .unavailable("the database cannot be reached right now; retry shortly")
    }
}
