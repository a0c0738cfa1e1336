import Testing
@testable import loupe_bench

/// The server's own time per route, read from its `/metrics` as `loupe serve` writes it.
@Suite struct RouteTimesTests {
    static func exposition(claimSum: Double, claimCount: Int, conflicts: Int = 0) -> String {
        """
        # TYPE http_server_request_duration histogram
        http_server_request_duration_bucket{http_route="/v1/review/claim",http_request_method="POST",http_response_status_code="200",le="0.001"} 3
        http_server_request_duration_sum{http_route="/v1/review/claim",http_request_method="POST",http_response_status_code="200"} \(claimSum)
        http_server_request_duration_count{http_route="/v1/review/claim",http_request_method="POST",http_response_status_code="200"} \(claimCount)
        http_server_request_duration_sum{http_route="/v1/review/claim",http_request_method="POST",http_response_status_code="204"} 0.001
        http_server_request_duration_count{http_route="/v1/review/claim",http_request_method="POST",http_response_status_code="204"} \(conflicts)
        http_server_request_duration_sum{http_route="/v1/items/{id}/decision",http_request_method="POST",http_response_status_code="200"} 9.5
        http_server_request_duration_count{http_route="/v1/items/{id}/decision",http_request_method="POST",http_response_status_code="200"} 100
        hb_requests{http_route="/v1/review/claim",http_request_method="POST",http_response_status_code="200"} \(claimCount)
        """
    }

    @Test func theMeanIsTheRoutesTimeOverItsRequestsBetweenTwoReadings() {
        let before = RouteTimes(exposition: Self.exposition(claimSum: 0.5, claimCount: 200), route: "/v1/review/claim")
        let after = RouteTimes(exposition: Self.exposition(claimSum: 3.5, claimCount: 1200, conflicts: 0), route: "/v1/review/claim")
        #expect(abs(after.meanMs(since: before) - 3.0) < 1e-9)
    }

    @Test func everyStatusOfTheRouteCountsAndOtherRoutesDoNot() {
        let times = RouteTimes(exposition: Self.exposition(claimSum: 2, claimCount: 10, conflicts: 5), route: "/v1/review/claim")
        #expect(times.requests == 15)
        #expect(abs(times.seconds - 2.001) < 1e-9)
        let decisions = RouteTimes(exposition: Self.exposition(claimSum: 2, claimCount: 10), route: "/v1/items/{id}/decision")
        #expect(decisions.requests == 100 && decisions.seconds == 9.5)
    }

    @Test func noRequestBetweenReadingsHasNoMean() {
        let times = RouteTimes(exposition: Self.exposition(claimSum: 2, claimCount: 10), route: "/v1/review/claim")
        #expect(times.meanMs(since: times).isNaN)
    }
}
