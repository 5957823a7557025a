/// The JOSE Header of a received JWS (RFC 7515 §4), reduced to the parameters Granted reads.
/// Others are ignored (§4), never acted on: no key is ever fetched from `jku`, `jwk` or `x5u`.
/// The one `jwk` Granted reads is a DPoP proof's, which `DPoPProof` takes from the header object
/// `JWS.parseKeepingHeader` read once, and which only ever proves possession of that same key
/// (RFC 9449 §4.2).
struct JWSHeader: Sendable, Hashable {
    /// `alg` (§4.1.1), required.
    let algorithm: JWSAlgorithm
    /// `kid` (§4.1.4).
    let keyID: String?
    /// `typ` (§4.1.9).
    let type: String?
    /// `cty` (§4.1.10).
    let contentType: String?

    public init(algorithm: JWSAlgorithm, keyID: String? = nil, type: String? = nil, contentType: String? = nil) {
        self.algorithm = algorithm
        self.keyID = keyID
        self.type = type
        self.contentType = contentType
    }

    /// Extensions this implementation understands; `crit` naming any other is refused (§4.1.11).
    /// None: so `b64: false` (RFC 7797), which must be listed in `crit`, is refused too.
    static let understoodCriticalParameters: Set<String> = []

    /// Reads the decoded header (§5.2 steps 3-5): UTF-8 JSON object, `alg` a non-empty string,
    /// `kid`, `typ` and `cty` strings when present, no `crit` we do not understand. Nil otherwise.
    /// A repeated name keeps the last value, as §4 allows.
    init?(json bytes: [UInt8]) {
        guard let object = JSONReader.object(bytes) else { return nil }
        self.init(object: object)
    }

    /// `init(json:)` on the object `JSONReader.object` made of the header bytes.
    init?(object: JSONObject) {
        guard let algorithm = object["alg"]?.string, !algorithm.isEmpty else { return nil }
        guard let keyID = Self.optionalString(object["kid"]),
            let type = Self.optionalString(object["typ"]),
            let contentType = Self.optionalString(object["cty"])
        else { return nil }
        if let critical = object["crit"] {
            // §4.1.11: a non-empty array of names, each of which we must understand.
            guard let names = critical.strings, !names.isEmpty,
                names.allSatisfy({ Self.understoodCriticalParameters.contains($0) && object[$0] != nil })
            else { return nil }
        }
        self.init(algorithm: JWSAlgorithm(rawValue: algorithm), keyID: keyID, type: type, contentType: contentType)
    }

    /// `.some(nil)` when absent, `.some(value)` for a string, nil for any other JSON type (null too).
    private static func optionalString(_ value: JSONValue?) -> String?? {
        guard let value else { return .some(nil) }
        guard let text = value.string else { return nil }
        return .some(text)
    }
}
