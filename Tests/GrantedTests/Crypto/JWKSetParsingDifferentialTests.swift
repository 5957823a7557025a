import Foundation
import GrantedTesting
import Testing

@testable import Granted

/// `JWKSet(json:)` reads with `JSONReader`; the `Codable` conformance, through `JSONDecoder`, is
/// the reference: on well-formed JSON (RFC 8259) both accept the same sets, into the same keys,
/// and refuse the rest with the same `JWK.ParseError` (RFC 7517 §5). Member names are unique
/// in the random sets: on a repeated name the two differ, and only `JSONReader` keeps the last
/// one, as RFC 7517 §4 and §5 require of a parser that does not reject the set.
@Suite("JWK Set parsing: JSONReader against the Codable conformance")
struct JWKSetParsingDifferentialTests {
    static let ec = #""kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0""#
    static let okp = #""kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo""#
    static let rsa = #""kty":"RSA","e":"AQAB","n":"sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri23bOdgWp4Dy1WlUzewbgBHod5pcM9H95GQRV3JDXboIRROSBigeC5yjU1hGzHHyXss8UDprecbAYxknTcQkhslANGRUZmdTOQ5qTRsLAt6BTYuyvVRdhS8exSZEy_c4gs_7svlJJQ4H9_NxsiIoLwAEk7-Q3UXERGYw_75IDrGA84-lA_-Ct4eTlXHBIY2EaV7t7LjJaynVJCpkv4LKjTTAumiGUIuQhrNhZLuF_RJLqHpM2kgWFLU7-VTdL1VcMPbUIWV2RclzoEwCcP_GyDWNDkkD-JaI7bNVoKDoG7w""#
    /// Members a key may carry, valid or not: ids, uses, operations, nulls, wrong types, private parts.
    static let extras = [
        #""kid":"k1""#, #""use":"sig""#, #""alg":"ES256""#, #""key_ops":["verify"]"#, #""key_ops":["verify","verify"]"#,
        #""key_ops":"verify""#, #""kid":null"#, #""kid":7"#, #""d":"AA""#, #""d":null"#, #""x5c":["MIIB"]"#,
        #""x":"AA""#, #""crv":"P-384""#, #""ext":true"#, #""kty":"XYZ""#, #""kty":null"#, #""k":"c2VjcmV0""#,
    ]

    static func key(_ random: inout SplitMix64) -> String {
        switch random.next() % 10 {
        case 0: return "null"
        case 1: return #""a key""#
        case 2: return "[]"
        case 3: return #"{"kty":"oct","k":"c2VjcmV0"}"#
        case 4: return #"{"kty":"PQC","pub":"x"}"#
        default:
            var members = [[ec, okp, rsa][Int(random.next() % 3)]]
            for _ in 0..<(random.next() % 3) {
                let extra = extras[Int(random.next() % UInt64(extras.count))]
                // Names stay unique (see the suite's comment).
                let name = extra.prefix { $0 != ":" }
                guard !members.joined(separator: ",").contains(name + ":") else { continue }
                members.append(extra)
            }
            if random.next() % 6 == 0 { members.shuffle(using: &random) }
            return "{" + members.joined(separator: ",") + "}"
        }
    }

    static func set(_ random: inout SplitMix64) -> String {
        switch random.next() % 12 {
        case 0: return "{}"
        case 1: return #"{"keys":null}"#
        case 2: return #"{"keys":{}}"#
        case 3: return "[]"
        case 4: return #"{"keys":"x"}"#
        default:
            let keys = (0..<(random.next() % 4)).map { _ in key(&random) }
            var members = [#""keys":[\#(keys.joined(separator: ","))]"#]
            if random.next() % 4 == 0 { members.append(#""other":{"keys":1}"#) }
            return "{" + members.joined(separator: ", ") + "}"
        }
    }

    @Test("random sets, valid and not, parse as JSONDecoder reads them", arguments: 0..<6)
    func differential(seed: UInt64) {
        var random = SplitMix64(state: 0x4A57_4B53_0000_0000 &+ seed)
        var accepted = 0
        for _ in 0..<500 {
            let text = Self.set(&random)
            let reference = Result { () throws(JWK.ParseError) in
                do {
                    return try JSONDecoder().decode(JWKSet.self, from: Data(text.utf8))
                } catch let error as JWK.ParseError {
                    throw error
                } catch {
                    throw .notAJSONObject
                }
            }
            let read = Result { () throws(JWK.ParseError) in try JWKSet(json: Array(text.utf8)) }
            #expect(read == reference, "\(text)")
            if case .success(let set) = read, !set.keys.isEmpty { accepted += 1 }
        }
        // Both sides of the comparison are reached.
        #expect(accepted > 50)
    }

    @Test("a repeated member name keeps its last value (RFC 7517 §4, §5)")
    func repeatedNames() throws {
        let last = try JWKSet(json: Array(#"{"keys":[{"kty":"PQC"}],"keys":[{\#(Self.okp),"kid":"a","kid":"b"}]}"#.utf8))
        #expect(last.keys.map(\.keyID) == ["b"])
        // A private member is refused whatever its value, null included, in either order.
        for members in [#""d":null,"d":"AA""#, #""d":"AA","d":null"#] {
            #expect(throws: JWK.ParseError.privateMember("d")) {
                try JWKSet(json: Array(#"{"keys":[{\#(Self.okp),\#(members)}]}"#.utf8))
            }
        }
    }

    @Test("JSON that is not RFC 8259 is not a set", arguments: [
        #"{"keys":[],}"#, "\u{FEFF}{\"keys\":[]}", #"{"keys":[]} x"#, #"{'keys':[]}"#, "",
    ])
    func notJSON(text: String) {
        #expect(throws: JWK.ParseError.notAJSONObject) { try JWKSet(json: Array(text.utf8)) }
    }
}
