import LoupeDomain
import PostgresNIO

/// Maps driver errors to problems an API client can act on: an unreachable or restarting
/// database is a 503 to retry, never a 500; a value PostgreSQL refuses (SQLSTATE class 22, data
/// exception: numeric overflow, NUL in text, bad encoding…) is the request's fault, a 422.
public enum StoreErrorClassifier {
    public static func problem(for error: any Error) -> Problem? {
        guard let error = error as? PSQLError else { return nil }
        if error.code == .server {
            let state = error.serverInfo?[.sqlState] ?? ""
            if state.hasPrefix("22") {
                let message = error.serverInfo?[.message] ?? state
                return Problem(status: 422, slug: "invalid-value", title: "Value cannot be stored",
                               detail: "a value in this request was refused by the database (\(message)); "
                                   + "check it for out-of-range numbers, NUL characters or invalid text")
            }
            // 08 connection exception, 53 insufficient resources, 57 operator intervention (shutdown), 58 system error.
            guard ["08", "53", "57", "58"].contains(String(state.prefix(2))) else { return nil }
            return .unavailable("the database is unavailable (\(error.serverInfo?[.message] ?? state)); retry shortly")
        }
        return .unavailable("the database cannot be reached right now; retry shortly")
    }
}
