import Foundation
import Logging
import LoupeDomain
import ServiceLifecycle

/// At start: while no admin account exists, says where to create one (the one-time setup link); otherwise closes
/// the link. Once, as soon as the database answers; then it waits for shutdown (a service that returns would stop
/// the server).
struct FirstRunNotice: Service {
    let users: any UserRepository
    let setup: FirstRunSetup
    /// The address people reach this server at (LOUPE_PUBLIC_URL), when the operator set one.
    let publicURL: String?
    let listening: String
    let logger: Logger

    func run() async throws {
        await announce()
        try? await gracefulShutdown()
    }

    private func announce() async {
        for attempt in 0..<60 {
            do {
                if try await users.adminExists() { setup.close(); return }
                guard let token = setup.current else { return }
                // With --port 0 the port is only known from the "listening on" line.
                let base = (publicURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 })
                    ?? (listening.hasSuffix(":0") ? String(listening.dropLast(2)) + ":<port>" : listening)
                let link = "\(base)/setup?token=\(token)"
                logger.notice("first-run setup: \(link) (no admin account yet: create the first one in a browser there; works once, until an admin exists)")
                return
            } catch {
                if attempt == 59 { logger.warning("could not check for an admin account: \(error)") }
                guard (try? await Task.sleep(for: .milliseconds(500))) != nil else { return }
            }
        }
    }
}
