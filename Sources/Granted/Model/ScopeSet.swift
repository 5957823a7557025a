/// A set of scopes (RFC 6749 §3.3): order does not matter and each appears once, so it is kept
/// sorted and unique, and its wire form (space-delimited) is computed once.
public struct ScopeSet: Sendable, Hashable, Codable, Sequence, ExpressibleByArrayLiteral,
    CustomStringConvertible
{
    /// Sorted, without repeats.
    public let scopes: [Scope]
    /// The space-delimited wire form, e.g. `"message.send public"`.
    public let description: String

    public init(_ scopes: some Sequence<Scope>) {
        self.init(sorting: scopes.sorted())
    }

    /// Sorts and removes repeats in the array it is given: no second array.
    init(sorting scopes: [Scope]) {
        var sorted = scopes
        sorted.sort()
        if sorted.count > 1 {
            var kept = 1
            for index in 1..<sorted.count where sorted[index] != sorted[kept - 1] {
                sorted[kept] = sorted[index]
                kept += 1
            }
            sorted.removeLast(sorted.count - kept)
        }
        self.scopes = sorted
        self.description = sorted.count == 1 ? sorted[0].rawValue : sorted.map(\.rawValue).joined(separator: " ")
    }
    public init(arrayLiteral elements: Scope...) { self.init(elements) }

    private init(sorted scopes: [Scope], description: String) {
        self.scopes = scopes
        self.description = description
    }

    /// The same set in storage of its own. A set every request starts from (the policy's
    /// default) has its reference count written by each copy a request makes of it, about ten;
    /// with requests on two cores at once that count's cache line goes back and forth between
    /// them, which cost more than the request's own work. A request's own copy is one
    /// allocation (a long wire form, two), and its counting stays on its core.
    func unshared() -> ScopeSet {
        // `map` allocates a new array; `Array(scopes)` would share the old one's.
        let copy = scopes.map { $0 }
        // A wire form of up to 15 bytes is stored inline, with nothing to share.
        let text = description.utf8.count <= 15
            ? description
            : String(unsafeUninitializedCapacity: description.utf8.count) { $0.initialize(fromContentsOf: description.utf8) }
        return ScopeSet(sorted: copy, description: text)
    }
    public static let empty = ScopeSet([Scope]())

    /// Parses a `scope` parameter: scope tokens separated by single spaces (§3.3).
    /// - Throws: `OAuthError.invalidScope` when the value is not of that grammar.
    public static func parse(_ text: String) throws(OAuthError) -> ScopeSet {
        var scopes: [Scope] = []
        // Walked in place, split at each space: an empty part (a leading, trailing or double
        // space) is malformed.
        var rest = Substring(text)
        while true {
            let end = rest.utf8.firstIndex(of: 0x20) ?? rest.endIndex
            guard let scope = Scope(validating: rest[..<end]) else {
                throw .invalidScope("the scope parameter is malformed")
            }
            scopes.append(scope)
            guard end < rest.endIndex else { break }
            rest = rest[rest.utf8.index(after: end)...]
        }
        return ScopeSet(sorting: scopes)
    }

    public var isEmpty: Bool { scopes.isEmpty }
    public var count: Int { scopes.count }
    public func contains(_ scope: Scope) -> Bool { scopes.contains(scope) }
    public func isSubset(of other: ScopeSet) -> Bool { scopes.allSatisfy(other.contains) }
    public func union(_ other: ScopeSet) -> ScopeSet { ScopeSet(scopes + other.scopes) }
    public func intersection(_ other: ScopeSet) -> ScopeSet { ScopeSet(scopes.filter(other.contains)) }
    public func subtracting(_ other: ScopeSet) -> ScopeSet { ScopeSet(scopes.filter { !other.contains($0) }) }
    public func makeIterator() -> IndexingIterator<[Scope]> { scopes.makeIterator() }

    public static func == (lhs: ScopeSet, rhs: ScopeSet) -> Bool { lhs.scopes == rhs.scopes }
    public func hash(into hasher: inout Hasher) { hasher.combine(scopes) }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        if text.isEmpty { self = .empty; return }
        do { self = try ScopeSet.parse(text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "malformed scope"))
        }
    }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
