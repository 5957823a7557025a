#if canImport(Granted)
    @_spi(Benchmarks) @testable import Granted
#endif

/// Form and query parsing (RFC 6749 Appendix B): never traps; what parses re-encodes to
/// something that parses to the same parameters.
enum FormChecks {
    static func check(_ bytes: [UInt8]) throws {
        guard let parsed = try? FormParameters(parsing: bytes) else { return }
        let pairs = parsed.all
        try require(pairs.count <= InputLimits().maxParameters, "more parameters than the limit")
        try require(pairs.allSatisfy { !$0.name.isEmpty && !$0.value.isEmpty }, "an empty name or value survived")
        let encoded = FormEncoding.encode(pairs.map { ($0.name, $0.value) })
        guard let again = try? FormParameters(parsing: Array(encoded.utf8), limits: InputLimits(maxBytes: .max)) else {
            throw FuzzFailure("re-encoded form does not parse: \(encoded.prefix(200))")
        }
        try require(again.all.map { "\($0.name)=\($0.value)" } == pairs.map { "\($0.name)=\($0.value)" },
            "parse(serialize(x)) != x")
        if let text = String(validating: bytes, as: UTF8.self) {
            _ = try? FormParameters(query: text)
        }
    }
}
