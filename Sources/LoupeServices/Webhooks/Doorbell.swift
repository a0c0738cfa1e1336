/// Wakes a waiting loop early: `ring` ends the current (or next) `wait`, which otherwise ends after its timeout.
actor Doorbell {
    private var rung = false
    private var waiter: CheckedContinuation<Void, Never>?

    func ring() {
        if let waiter {
            self.waiter = nil
            waiter.resume()
        } else {
            rung = true
        }
    }

    func wait(timeout: Duration) async {
        if rung {
            rung = false
            return
        }
        await withCheckedContinuation { continuation in
            waiter = continuation
            Task { [weak self] in
                try? await Task.sleep(for: timeout)
                await self?.ring()
            }
        }
        rung = false
    }
}
