import Foundation

/// Header fields in order, looked up case-insensitively (RFC 9110 §5.1).
public struct HeaderFields: Sendable, Hashable, ExpressibleByDictionaryLiteral, Sequence {
    public struct Field: Sendable, Hashable {
        public var name: String
        public var value: String
        public init(name: String, value: String) { self.name = name; self.value = value }
    }
    public private(set) var fields: [Field]

    public init(_ fields: [Field] = []) { self.fields = fields }
    public init(dictionaryLiteral elements: (String, String)...) {
        self.fields = elements.map { Field(name: $0.0, value: $0.1) }
    }

    /// The value of the only field of that name; nil when absent. A repeat is reported by `count(of:)`.
    public subscript(name: String) -> String? {
        fields.first { Self.namesEqual($0.name, name) }?.value
    }
    public func count(of name: String) -> Int { fields.lazy.filter { Self.namesEqual($0.name, name) }.count }
    /// How many fields are named `name`, and the first one's value: one pass, for a caller that
    /// refuses a repeated field and reads the one it got.
    func occurrences(of name: String) -> (count: Int, first: String?) {
        var count = 0
        var first: String?
        for field in fields where Self.namesEqual(field.name, name) {
            if count == 0 { first = field.value }
            count += 1
        }
        return (count, first)
    }
    public mutating func append(_ name: String, _ value: String) { fields.append(Field(name: name, value: value)) }
    /// Replaces every field of that name by one.
    public mutating func set(_ name: String, _ value: String) {
        fields.removeAll { Self.namesEqual($0.name, name) }
        fields.append(Field(name: name, value: value))
    }
    public func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }

    /// ASCII case-insensitive comparison without allocating.
    static func namesEqual(_ lhs: String, _ rhs: String) -> Bool {
        // Most fields of a request differ from the name sought in length: answer those at once.
        lhs.utf8.count == rhs.utf8.count && ASCII.caseInsensitiveEquals(lhs.utf8, rhs.utf8)
    }
}

enum ASCII {
    @inline(__always) static func lower(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
    }
    static func caseInsensitiveEquals(_ lhs: some Collection<UInt8>, _ rhs: some Collection<UInt8>) -> Bool {
        guard lhs.count == rhs.count else { return false }
        // Native strings are contiguous UTF-8: compare the buffers directly.
        if let equal = lhs.withContiguousStorageIfAvailable({ left in
            rhs.withContiguousStorageIfAvailable { right in caseInsensitiveEquals(left, right) }
        }), let equal {
            return equal
        }
        return zip(lhs, rhs).allSatisfy { lower($0) == lower($1) }
    }

    @inline(__always)
    static func caseInsensitiveEquals(_ lhs: UnsafeBufferPointer<UInt8>, _ rhs: UnsafeBufferPointer<UInt8>) -> Bool {
        guard lhs.count == rhs.count else { return false }
        // Most are sent as written: the same bytes answer at memcmp's speed.
        if let left = lhs.baseAddress, let right = rhs.baseAddress, memcmp(left, right, lhs.count) == 0 { return true }
        for index in 0..<lhs.count where lower(lhs[index]) != lower(rhs[index]) { return false }
        return true
    }
    /// Whether `bytes` are `name`'s bytes, ASCII letters compared case-insensitively.
    @inline(__always)
    static func caseInsensitiveEquals(_ bytes: UnsafeBufferPointer<UInt8>, _ name: StaticString) -> Bool {
        caseInsensitiveEquals(bytes, UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
    }

    /// Whether `text` starts with `prefix` (case-insensitive), returning the rest.
    static func dropPrefix(_ prefix: String, caseInsensitiveFrom text: Substring) -> Substring? {
        let p = prefix.utf8
        let t = text.utf8
        guard t.count >= p.count else { return nil }
        let end = t.index(t.startIndex, offsetBy: p.count)
        guard caseInsensitiveEquals(t[t.startIndex..<end], p) else { return nil }
        return Substring(t[end...])
    }
}
