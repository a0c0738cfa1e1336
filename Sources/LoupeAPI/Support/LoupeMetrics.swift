import CoreMetrics
import LoupeDomain
import Prometheus

/// Prometheus metrics: Hummingbird's per-route request counters and latency histograms,
/// plus Loupe's own counts of items by routing outcome.
public final class LoupeMetrics: Sendable {
    /// One registry per process: the metrics system can be bootstrapped only once.
    public static let shared = LoupeMetrics()

    let registry: PrometheusCollectorRegistry
    private let approved: Prometheus.Counter
    private let pending: Prometheus.Counter
    private let waiting: Prometheus.Gauge
    private let batchesRunning: Prometheus.Gauge
    private let batchesWaiting: Prometheus.Gauge
    private let driftChecks: Prometheus.Counter

    private init() {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
            .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
        ]
        MetricsSystem.bootstrap(factory)
        self.registry = registry
        approved = registry.makeCounter(name: "loupe_items_routed_total", labels: [("outcome", "approved")])
        pending = registry.makeCounter(name: "loupe_items_routed_total", labels: [("outcome", "pending")])
        waiting = registry.makeGauge(name: "loupe_waiting_requests")
        batchesRunning = registry.makeGauge(name: "loupe_batches", labels: [("state", "running")])
        batchesWaiting = registry.makeGauge(name: "loupe_batches", labels: [("state", "waiting")])
        driftChecks = registry.makeCounter(name: "loupe_drift_checks_total")
    }

    /// One pass of this server's drift monitor completed.
    public func driftChecked() { driftChecks.increment() }

    func routed(_ status: ItemStatus) {
        (status == .approved ? approved : pending).increment()
    }

    /// The exposition, with `loupe_waiting_requests` (blocking waits held now) and `loupe_batches` (batch requests
    /// being stored, and waiting for their turn: `BatchGate`) read at this moment.
    func exposition(waiters: Int, batches: (running: Int, waiting: Int)) -> [UInt8] {
        waiting.set(Double(waiters))
        batchesRunning.set(Double(batches.running))
        batchesWaiting.set(Double(batches.waiting))
        return registry.emitToBuffer()
    }
}
