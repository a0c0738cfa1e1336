import Testing

/// Suites that run several real processes at once (servers, clusters, nginx, a standby), one after another.
/// Run together with everything else they kept 30-50 threads runnable on two cores, and in-process tests
/// starved for a minute at a time (request deadlines passed, fixtures stalled).
@Suite(.serialized) enum ProcessHeavy {}
