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

/// A value `WireArray` can hold: its PostgreSQL types and its binary form, length first.
protocol WireElement {
    static var elementType: PostgresDataType { get }
    static var arrayType: PostgresDataType { get }
    /// Bytes of a usual value, to size the buffer once.
    static var typicalSize: Int { get }
    func writeElement(into buffer: inout ByteBuffer)
}

extension String: WireElement {
    static var elementType: PostgresDataType { .text }
    static var arrayType: PostgresDataType { .textArray }
    static var typicalSize: Int { 16 }
    func writeElement(into buffer: inout ByteBuffer) {
        let lengthAt = buffer.writerIndex
        buffer.writeInteger(0, as: Int32.self)
        let length = buffer.writeString(self)
        buffer.setInteger(Int32(length), at: lengthAt)
    }
}

extension Int: WireElement {
    static var elementType: PostgresDataType { .int8 }
    static var arrayType: PostgresDataType { .int8Array }
    static var typicalSize: Int { 8 }
    func writeElement(into buffer: inout ByteBuffer) {
        buffer.writeInteger(8, as: Int32.self)
        buffer.writeInteger(Int64(self))
    }
}

extension Double: WireElement {
    static var elementType: PostgresDataType { .float8 }
    static var arrayType: PostgresDataType { .float8Array }
    static var typicalSize: Int { 8 }
    func writeElement(into buffer: inout ByteBuffer) {
        buffer.writeInteger(8, as: Int32.self)
        buffer.writeInteger(bitPattern)
    }
}

extension Bool: WireElement {
    static var elementType: PostgresDataType { .bool }
    static var arrayType: PostgresDataType { .boolArray }
    static var typicalSize: Int { 1 }
    func writeElement(into buffer: inout ByteBuffer) {
        buffer.writeInteger(1, as: Int32.self)
        buffer.writeInteger(self ? 1 : 0, as: UInt8.self)
    }
}

extension UUID: WireElement {
    static var elementType: PostgresDataType { .uuid }
    static var arrayType: PostgresDataType { .uuidArray }
    static var typicalSize: Int { 16 }
    func writeElement(into buffer: inout ByteBuffer) {
        buffer.writeInteger(16, as: Int32.self)
        withUnsafeBytes(of: uuid) { _ = buffer.writeBytes($0) }
    }
}
