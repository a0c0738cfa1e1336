import Synchronization

/// The dispatcher's places: how many deliveries are in flight on this server, in all and per destination.
final class DeliveryPlaces: Sendable {
    private struct State {
        var total = 0
        var byDestination: [String: Int] = [:]
    }

    let capacity: Int
    let perDestination: Int
    private let state = Mutex(State())

    init(total: Int, perDestination: Int) {
        capacity = max(1, total)
        self.perDestination = max(1, perDestination)
    }

    /// Free places, and the destinations that already hold their share.
    func snapshot() -> (free: Int, busy: [String]) {
        state.withLock { s in
            (capacity - s.total, s.byDestination.filter { $0.value >= perDestination }.map(\.key).sorted())
        }
    }

    func take(_ destination: String) {
        state.withLock { s in
            s.total += 1
            s.byDestination[destination, default: 0] += 1
        }
    }

    func release(_ destination: String) {
        state.withLock { s in
            s.total -= 1
            let left = (s.byDestination[destination] ?? 1) - 1
            s.byDestination[destination] = left > 0 ? left : nil
        }
    }
}
