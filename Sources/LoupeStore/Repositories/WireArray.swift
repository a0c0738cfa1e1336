import Foundation
import NIOCore
import PostgresNIO

/// A one-dimensional array bind written in PostgreSQL's binary format element by element, as intake walks its items.
///
/// Binding intake's thirteen plain columns as Swift arrays went through PostgresNIO's generic array encoder, one
/// dynamically dispatched encode per element: 5% of the server's samples in batch intake, more than checking the
/// items' schemas. Writing each element's bytes straight into one buffer is what that encoder does, without the calls.
struct WireArray<Element: WireElement>: PostgresNonThrowingEncodable {
    static var psqlType: PostgresDataType { Element.arrayType }
    static var psqlFormat: PostgresFormat { .binary }

    private var elements: ByteBuffer
    private var count: Int32 = 0

    init(capacity: Int) {
        elements = ByteBufferAllocator().buffer(capacity: capacity * (4 + Element.typicalSize))
    }

    mutating func append(_ value: Element) {
        count += 1
        value.writeElement(into: &elements)
    }

    /// Dimensions, a has-NULLs flag (never), the element type, then (when not empty) the one dimension's length and lower
    /// bound, and the elements, each as its length and its bytes.
    func encode<JSONEncoder: PostgresJSONEncoder>(into buffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        buffer.writeInteger(count == 0 ? 0 : 1, as: Int32.self)
        buffer.writeInteger(0, as: Int32.self)
        buffer.writeInteger(Element.elementType.rawValue)
        guard count > 0 else { return }
        buffer.writeInteger(count)
        buffer.writeInteger(1, as: Int32.self)
        buffer.writeImmutableBuffer(elements)
    }
}

/// A value `WireArray` can hold: its PostgreSQL element and array types and its binary form, length first.
protocol WireElement {
    static var types: (element: PostgresDataType, array: PostgresDataType) { get }
    func writeElement(into buffer: inout ByteBuffer)
}

extension WireElement {
    static var elementType: PostgresDataType { types.element }
    static var arrayType: PostgresDataType { types.array }
    /// Bytes of a usual value, to size the buffer once (a string's inline size stands in for its text).
    static var typicalSize: Int { MemoryLayout<Self>.size }
}

extension String: WireElement {
    static var types: (element: PostgresDataType, array: PostgresDataType) { (.text, .textArray) }
    func writeElement(into buffer: inout ByteBuffer) {
        let lengthAt = buffer.writerIndex
        buffer.writeInteger(0, as: Int32.self)
        let length = buffer.writeString(self)
        buffer.setInteger(Int32(length), at: lengthAt)
    }
}

extension Int: WireElement {
    static var types: (element: PostgresDataType, array: PostgresDataType) { (.int8, .int8Array) }
    func writeElement(into buffer: inout ByteBuffer) { buffer.writeInteger(8, as: Int32.self); buffer.writeInteger(Int64(self)) }
}

extension Double: WireElement {
    static var types: (element: PostgresDataType, array: PostgresDataType) { (.float8, .float8Array) }
    func writeElement(into buffer: inout ByteBuffer) { buffer.writeInteger(8, as: Int32.self); buffer.writeInteger(bitPattern) }
}

extension Bool: WireElement {
    static var types: (element: PostgresDataType, array: PostgresDataType) { (.bool, .boolArray) }
    func writeElement(into buffer: inout ByteBuffer) { buffer.writeInteger(1, as: Int32.self); buffer.writeInteger(self ? 1 : 0, as: UInt8.self) }
}

extension UUID: WireElement {
    static var types: (element: PostgresDataType, array: PostgresDataType) { (.uuid, .uuidArray) }
    func writeElement(into buffer: inout ByteBuffer) {
        buffer.writeInteger(16, as: Int32.self)
        withUnsafeBytes(of: uuid) { _ = buffer.writeBytes($0) }
    }
}
