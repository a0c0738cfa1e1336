import Foundation
import Testing

extension LoupeFixture {
    /// Checks that people_decisions (migration 0034) holds exactly the people's decisions of `items`, column for column,
    /// that each row's stored JSONL tail (0035) is the one its columns give now, and that it holds at least `atLeast` of
    /// them (so a check of an empty copy cannot pass by accident).
    func expectPeopleDecisionsMatchItems(atLeast: Int = 1, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let columns = "task, id, input, output, final_output, changes, decision_action, confidence, prompt_version, model, decided_by, decided_at, review_count"
        let (status, out, error) = try await Psql.run(url: databaseURL, """
            WITH source AS (SELECT \(columns) FROM items
                            WHERE decision_action IS NOT NULL AND decided_by <> 'auto' AND erased_at IS NULL AND gold_id IS NULL),
                 copy AS (SELECT \(columns) FROM people_decisions)
            SELECT (SELECT count(*) FROM copy) || ' ' || (SELECT count(*) FROM (
                (SELECT * FROM source EXCEPT ALL SELECT * FROM copy) UNION ALL (SELECT * FROM copy EXCEPT ALL SELECT * FROM source)) d)
                || ' ' || (SELECT count(*) FROM people_decisions WHERE jsonl_tail IS DISTINCT FROM
                           loupe_jsonl_tail(decision_action, confidence, prompt_version, model, decided_by, decided_at, review_count))
            """)
        #expect(status == 0, "\(error)", sourceLocation: sourceLocation)
        let figures = out.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
        #expect(figures.count == 3, "\(out)", sourceLocation: sourceLocation)
        guard figures.count == 3 else { return }
        #expect(figures[0] >= atLeast, "people_decisions holds \(figures[0]) rows", sourceLocation: sourceLocation)
        #expect(figures[1] == 0, "\(figures[1]) rows differ between items and people_decisions", sourceLocation: sourceLocation)
        #expect(figures[2] == 0, "\(figures[2]) stored JSONL tails differ from their columns'", sourceLocation: sourceLocation)
    }
}
