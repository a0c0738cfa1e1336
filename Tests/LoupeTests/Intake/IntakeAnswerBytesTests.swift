import Foundation
import LoupeDomain
import LoupeJSON
import Testing

/// The batch answer writes each entry straight to bytes; they must be the bytes its `JSONValue` gives.
@Suite struct IntakeAnswerBytesTests {
    @Test func eachEntryIsWhatItsJSONValueWrites() {
        let reasons: [JSONValue] = [
            [],
            [["code": "below_threshold", "confidence": 0.83, "threshold": 0.85, "message": "confidence 0.83 is below 0.85"]],
            [["code": "schema", "pointer": "/lines/0/qty", "message": "must be \"an integer\"\n\tnot\u{1} a string ✓"]],
            [["code": "field", "value": .number(JSONNumber(1e300)), "big": .int(Int.max)], ["code": "x", "nested": [["a": nil]]]],
        ]
        let statuses: [ItemStatus] = [.pending, .approved, .inReview, .disputed]
        for n in 0..<200 {
            let result = IntakeResult(id: UUID(), status: statuses[n % statuses.count], reasons: .array(reasons[n % reasons.count].arrayValue ?? []),
                                      created: n % 3 == 0)
            var bytes: [UInt8] = []
            result.write(into: &bytes)
            #expect(bytes == JSONWriter.bytes(result.json), "\(String(decoding: bytes, as: UTF8.self))")
        }
        // Every hex digit, both cases of the input, in the right places.
        let id = UUID(uuidString: "0123ABCD-EF01-4567-89AB-CDEF01234567")!
        var bytes: [UInt8] = []
        IntakeResult(id: id, status: .pending, reasons: [], created: true).write(into: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self) == #"{"id":"0123abcd-ef01-4567-89ab-cdef01234567","status":"pending","reasons":[]}"#)
    }
}
