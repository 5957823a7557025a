import Foundation
import Testing

@testable import Granted
import GrantedTesting

@Suite("Scope sets (RFC 6749 §3.3)")
struct ScopeSetTests {
    @Test(
        "space-delimited scope tokens parse (RFC 6749 §3.3)",
        arguments: [
            ("public", ["public"]), ("openid profile email", ["email", "openid", "profile"]),
            ("message.send public", ["message.send", "public"]),
            ("https://api.example.com/read", ["https://api.example.com/read"]),
            ("!#$%&'()*+,-./:;<=>?@[]^_`{|}~", ["!#$%&'()*+,-./:;<=>?@[]^_`{|}~"]),
        ])
    func parses(text: String, scopes: [String]) throws {
        #expect(try ScopeSet.parse(text).scopes.map(\.rawValue) == scopes)
    }

    @Test(
        "anything outside the scope-token grammar is invalid_scope (RFC 6749 §3.3)",
        arguments: [
            "", " ", "a  b", " a", "a ", "a\"b", "a\\b", "\"", "\\", "a\tb", "a\nb", "é", "a\u{7F}", "a\u{0}",
            "a\u{A0}b", "🔑",
        ])
    func rejects(text: String) {
        let error = #expect(throws: OAuthError.self) { try ScopeSet.parse(text) }
        #expect(error?.code == "invalid_scope")
    }

    @Test("every character %x21 / %x23-5B / %x5D-7E and no other is a scope character (RFC 6749 §3.3)")
    func characterClass() {
        for byte in UInt8.min...UInt8.max {
            let allowed = byte == 0x21 || (0x23...0x5B).contains(byte) || (0x5D...0x7E).contains(byte)
            #expect(Scope.isScopeCharacter(byte) == allowed, "byte \(byte)")
        }
    }

    @Test(
        "order does not matter and repeats count once (RFC 6749 §3.3)",
        arguments: [("a b c", "c b a"), ("b a", "a b a"), ("x", "x x x"), ("profile openid", "openid profile")])
    func orderInsensitive(lhs: String, rhs: String) throws {
        let left = try ScopeSet.parse(lhs)
        let right = try ScopeSet.parse(rhs)
        #expect(left == right)
        #expect(left.hashValue == right.hashValue)
        #expect(left.description == right.description)
    }

    @Test(
        "the wire form is sorted and single-spaced (RFC 6749 §3.3)",
        arguments: [("c a b a", "a b c", 3), ("public", "public", 1)])
    func wireForm(text: String, description: String, count: Int) throws {
        let scopes = try ScopeSet.parse(text)
        #expect(scopes.description == description)
        #expect(scopes.count == count)
        #expect(try ScopeSet.parse(scopes.description) == scopes)
    }

    @Test("random scope lists parse to their sorted set, repeats once (seeded)", arguments: [7, 8, 9] as [UInt64])
    func randomLists(seed: UInt64) throws {
        var generator = SplitMix64(seed: seed)
        let pool = ["a", "b", "openid", "profile", "email", "public", "message.send", "offline_access", "z~"]
        for _ in 0..<500 {
            let words = (0..<(1 + Int(generator.next() % 8))).map { _ in pool[Int(generator.next() % UInt64(pool.count))] }
            let parsed = try ScopeSet.parse(words.joined(separator: " "))
            #expect(parsed.scopes.map(\.rawValue) == Set(words).sorted())
            #expect(parsed.description == Set(words).sorted().joined(separator: " "))
        }
    }

    @Test(
        "subset holds exactly when every scope is in the other set",
        arguments: [
            ([], ["a"], true), (["a"], ["a", "b"], true), (["a", "b"], ["a", "b"], true),
            (["a", "c"], ["a", "b"], false), (["a"], [], false),
        ] as [(ScopeSet, ScopeSet, Bool)])
    func subset(lhs: ScopeSet, rhs: ScopeSet, expected: Bool) {
        #expect(lhs.isSubset(of: rhs) == expected)
    }

    @Test("union, intersection and subtraction are set operations")
    func setAlgebra() {
        let left: ScopeSet = ["a", "b", "c"]
        let right: ScopeSet = ["c", "d"]
        #expect(left.union(right) == ["a", "b", "c", "d"])
        #expect(left.intersection(right) == ["c"])
        #expect(left.subtracting(right) == ["a", "b"])
        #expect(left.union(.empty) == left)
        #expect(ScopeSet.empty.isEmpty && ScopeSet.empty.description.isEmpty)
        #expect(left.contains("b") && !left.contains("d"))
    }

    @Test("a scope token from input is validated; a host constant is trusted (RFC 6749 §3.3)")
    func scopeValidation() {
        #expect(Scope(validating: "read") == Scope(rawValue: "read"))
        #expect(Scope(validating: "") == nil)
        #expect(Scope(validating: "a b") == nil)
    }

    @Test("a scope set encodes as its wire form and decodes back, refusing malformed text")
    func codable() throws {
        let scopes: ScopeSet = ["openid", "email"]
        let data = try JSONEncoder().encode(["scope": scopes])
        #expect(String(decoding: data, as: UTF8.self) == #"{"scope":"email openid"}"#)
        #expect(try JSONDecoder().decode([String: ScopeSet].self, from: data)["scope"] == scopes)
        #expect(try JSONDecoder().decode([String: ScopeSet].self, from: Data(#"{"s":""}"#.utf8))["s"] == .empty)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([String: ScopeSet].self, from: Data(#"{"s":"a  b"}"#.utf8))
        }
    }

    @Test(
        "a request's copy of a scope set is the same set in storage of its own",
        arguments: ["public", "email openid profile", "https://api.example.com/messages.read offline_access"])
    func unshared(text: String) throws {
        let shared = try ScopeSet.parse(text)
        let copy = shared.unshared()
        #expect(copy == shared)
        #expect(copy.description == text)
        #expect(copy.scopes.map(\.rawValue) == shared.scopes.map(\.rawValue))
        let sharedBase = shared.scopes.withUnsafeBufferPointer { $0.baseAddress }
        let copyBase = copy.scopes.withUnsafeBufferPointer { $0.baseAddress }
        #expect(sharedBase != copyBase)
        // A wire form longer than 15 bytes lives on the heap; the copy has its own.
        if text.utf8.count > 15 {
            var original = shared.description, copied = copy.description
            let originalBase = original.withUTF8 { $0.baseAddress }
            let copiedBase = copied.withUTF8 { $0.baseAddress }
            #expect(originalBase != copiedBase)
        }
    }
}
