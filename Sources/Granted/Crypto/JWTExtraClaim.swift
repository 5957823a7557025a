import Foundation

extension JWTClaims {
    /// A claim other than the typed ones (RFC 7519 §4.2, §4.3; OpenID Connect Core §5.1): a name and
    /// one JSON value, held as bytes that are always one complete, strict JSON value, so a value
    /// can never close the object and add claims of its own.
    public struct ExtraClaim: Sendable, Hashable {
        public let name: String
        /// The value, serialized.
        public let json: [UInt8]

        /// A string claim, escaped by `JSONWriter`.
        public init(name: String, string: String) {
            var json: [UInt8] = []
            JSONWriter.appendString(string, to: &json)
            self.init(name: name, trustedJSON: json)
        }

        /// An integer claim.
        public init(name: String, integer: Int) {
            self.init(name: name, trustedJSON: Array(String(integer).utf8))
        }

        /// A boolean claim.
        public init(name: String, boolean: Bool) {
            self.init(name: name, trustedJSON: Array((boolean ? "true" : "false").utf8))
        }

        /// An array of strings.
        public init(name: String, strings: [String]) {
            var json: [UInt8] = [UInt8(ascii: "[")]
            for (index, string) in strings.enumerated() {
                if index > 0 { json.append(UInt8(ascii: ",")) }
                JSONWriter.appendString(string, to: &json)
            }
            json.append(UInt8(ascii: "]"))
            self.init(name: name, trustedJSON: json)
        }

        /// Any JSON value (an object such as `address`, a number, null), given as UTF-8 bytes. It is
        /// parsed and written again, so what is stored is strict JSON; nil unless it is exactly one value.
        public init?(name: String, json: [UInt8]) {
            guard !json.contains(0), String(validating: json, as: UTF8.self) != nil,
                let value = try? JSONSerialization.jsonObject(with: Data(json), options: .fragmentsAllowed)
            else { return nil }
            self.init(name: name, foundationValue: value)
        }

        /// Re-serializes a value `JSONSerialization` produced; nil if Foundation cannot write it.
        private init?(name: String, foundationValue value: Any) {
            guard
                let data = try? JSONSerialization.data(
                    withJSONObject: value, options: [.fragmentsAllowed, .sortedKeys, .withoutEscapingSlashes])
            else { return nil }
            self.init(name: name, trustedJSON: Array(data))
        }

        /// A value's text exactly as `JSONReader` read it: one complete, strict JSON value.
        init(name: String, readJSON json: [UInt8]) {
            self.init(name: name, trustedJSON: json)
        }

        private init(name: String, trustedJSON json: [UInt8]) {
            self.name = name
            self.json = json
        }

        /// The value when it is a JSON string.
        public var stringValue: String? {
            guard json.first == UInt8(ascii: "\"") else { return nil }
            return JSONReader.value(json)?.string
        }

        /// The value when it is a JSON `true` or `false` (not a number).
        public var booleanValue: Bool? {
            guard let first = json.first, first == UInt8(ascii: "t") || first == UInt8(ascii: "f") else { return nil }
            return first == UInt8(ascii: "t")
        }

        /// The value when it is a JSON number with no fraction that fits in an `Int`.
        public var integerValue: Int? {
            guard let first = json.first, first == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first)
            else { return nil }
            return Int(String(decoding: json, as: UTF8.self))
        }
    }
}
