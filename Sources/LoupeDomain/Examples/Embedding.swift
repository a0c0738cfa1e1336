import Foundation
import LoupeJSON

/// A caller-supplied embedding: a vector of finite floats, as stored (little-endian float32) and as searched.
public struct Embedding: Sendable, Equatable {
    /// The longest embedding a task may declare (OpenAI's largest is 3,072).
    public static let maxDimensions = 4096
    public let values: [Float]

    public init(_ values: [Float]) { self.values = values }

    /// Reads `field` as an array of at most `maxDimensions` finite numbers; errors name the first bad element.
    public static func read(_ field: String, from r: inout FieldReader) -> Embedding? {
        guard let v = r.value(field, required: false), !v.isNull else { return nil }
        guard case .array(let elements) = v else { r.error(field, "must be an array of numbers, not \(v.typeName)"); return nil }
        guard (1...maxDimensions).contains(elements.count) else {
            r.error(field, "must hold 1 to \(maxDimensions) numbers, got \(elements.count)")
            return nil
        }
        var values: [Float] = []
        values.reserveCapacity(elements.count)
        for (i, element) in elements.enumerated() {
            guard case .number(let n) = element else {
                r.error("\(field)[\(i)]", "must be a number, not \(element.typeName)")
                return nil
            }
            let f = Float(n.value)
            guard f.isFinite else { r.error("\(field)[\(i)]", "must be a finite number a float32 can hold, got \(n.literal)"); return nil }
            values.append(f)
        }
        return Embedding(values)
    }

    /// 422 unless the task declares exactly this many dimensions.
    public func check(for task: TaskDefinition, field: String = "embedding") throws(Problem) {
        guard let dimensions = task.embeddingDimensions else {
            throw Problem.invalid(field: field, "task '\(task.name)' takes no embeddings; set its embedding_dimensions first")
        }
        guard values.count == dimensions else {
            throw Problem.invalid(field: field, "must hold \(dimensions) numbers (task '\(task.name)' embedding_dimensions), got \(values.count)")
        }
    }

    /// Little-endian float32s, as the `embedding` columns hold them.
    public var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(values.count * 4)
        for value in values {
            let bits = value.bitPattern.littleEndian
            withUnsafeBytes(of: bits) { out.append(contentsOf: $0) }
        }
        return out
    }

    /// Reads stored little-endian float32s straight from memory; nil unless they are whole float32s.
    public init?(littleEndian raw: UnsafeRawBufferPointer) {
        guard raw.count % 4 == 0, !raw.isEmpty else { return nil }
        values = (0..<(raw.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
    }
}
