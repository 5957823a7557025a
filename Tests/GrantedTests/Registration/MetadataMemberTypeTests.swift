import Foundation
import Testing
@testable import Granted

/// The JSON type rules of registration metadata (RFC 7591 §2; RFC 7592 §2.2), member by member:
/// what each type of value reads as, whichever JSON parser reads the body.
@Suite("Registration metadata member types (RFC 7591 §2)")
struct MetadataMemberTypeTests {
    static let base = #""redirect_uris":["https://a.example.com/cb"]"#

    static func parse(_ members: String) throws(OAuthError) -> ClientMetadata {
        try ClientMetadata(json: Array("{\(base),\(members)}".utf8), policy: Policy())
    }

    static func refusal(_ members: String) -> OAuthError? {
        do {
            _ = try parse(members)
            return nil
        } catch {
            return error
        }
    }

    static let stringMembers = [
        "client_name", "client_uri", "logo_uri", "tos_uri", "policy_uri", "software_id", "software_version", "scope",
        "token_endpoint_auth_method", "jwks_uri", "backchannel_logout_uri", "token_endpoint_auth_signing_alg",
    ]
    static let arrayMembers = ["redirect_uris", "grant_types", "response_types", "contacts", "post_logout_redirect_uris"]
    static let boolMembers = [
        "dpop_bound_access_tokens", "backchannel_logout_session_required", "require_pushed_authorization_requests",
    ]
    static let wrongForString = ["7", "-1.5", "true", "false", "[]", #"["x"]"#, "{}", #"{"a":"x"}"#]
    static let wrongForArray = [
        #""x""#, "7", "true", "{}", "[1]", #"["x",null]"#, #"[["x"]]"#, #"["x",{}]"#, #"[true]"#,
    ]
    static let wrongForBool = [
        #""true""#, "[true]", "{}", "2", "-1", "0.5", "1.5e0", #""""#, "[]", "1", "0", "1.0", "-0", "1e0", "10e-1",
    ]

    @Test("a string member of another type is invalid_client_metadata, naming it", arguments: stringMembers, wrongForString)
    func stringOfWrongType(member: String, value: String) {
        #expect(Self.refusal(#""\#(member)":\#(value)"#) == .invalidClientMetadata("\(member) must be a string"))
    }

    @Test(
        "an array member that is not an array of strings is invalid_client_metadata, naming it",
        arguments: arrayMembers, wrongForArray)
    func arrayOfWrongType(member: String, value: String) {
        // redirect_uris is in the base: the member sent last is the one read.
        #expect(Self.refusal(#""\#(member)":\#(value)"#) == .invalidClientMetadata("\(member) must be an array of strings"))
    }

    @Test("a boolean member of another type is invalid_client_metadata, naming it", arguments: boolMembers, wrongForBool)
    func boolOfWrongType(member: String, value: String) {
        #expect(Self.refusal(#""\#(member)":\#(value)"#) == .invalidClientMetadata("\(member) must be a boolean"))
    }

    @Test(
        "null is absent for every member type (RFC 7592 §2.2)",
        arguments: stringMembers + arrayMembers.filter { $0 != "redirect_uris" } + boolMembers + ["jwks", "unknown"])
    func nullIsAbsent(member: String) throws {
        #expect(try Self.parse(#""\#(member)":null"#) == (try ClientMetadata(json: Array("{\(Self.base)}".utf8), policy: Policy())))
    }

    @Test("null redirect_uris is absent, so a code client lacks them (§2)")
    func nullRedirectURIs() {
        #expect(Self.refusal(#""redirect_uris":null"#) == .invalidRedirectURI("redirect_uris is required for redirect-based grants"))
    }

    @Test("booleans: JSON true and false (RFC 8259 §3)", arguments: [("true", true), ("false", false)])
    func booleans(value: String, expected: Bool) throws {
        let metadata = try Self.parse(
            #""backchannel_logout_session_required":\#(value),"require_pushed_authorization_requests":\#(value)"#)
        #expect(metadata.backchannelLogoutSessionRequired == expected)
        #expect(metadata.requirePushedAuthorizationRequests == expected)
    }

    @Test("empty arrays: kept empty where optional, redirect-less grants refused, no grants at all accepted")
    func emptyArrays() throws {
        #expect(try Self.parse(#""contacts":[]"#).contacts == [])
        #expect(try Self.parse(#""post_logout_redirect_uris":[]"#).postLogoutRedirectURIs == [])
        let none = try Self.parse(#""grant_types":[],"response_types":[]"#)
        #expect(none.grantTypes.isEmpty && none.responseTypes.isEmpty)
        #expect(try Self.parse(#""response_types":[]"#).grantTypes.isEmpty)
        #expect(Self.refusal(#""redirect_uris":[]"#) == .invalidRedirectURI("redirect_uris is required for redirect-based grants"))
    }

    @Test("a repeated member reads as its last value, null included (RFC 8259 §4 leaves it open)", arguments: [
        (#""client_name":"first","client_name":"last""#, "last" as String?),
        (#""client_name":7,"client_name":"last""#, "last"),
        (#""client_name":"first","client_name":null"#, nil),
        (#""client_name":null,"client_name":"last""#, "last"),
    ])
    func repeatedMember(members: String, name: String?) throws {
        #expect(try Self.parse(members).clientName == name)
    }

    @Test("escapes in strings are read (RFC 8259 §7)")
    func escapes() throws {
        let metadata = try Self.parse(#""client_name":"A \"q\" caf\u00e9 \ud83d\ude00 a\/b\n","contacts":["\u0061@b"]"#)
        #expect(metadata.clientName == "A \"q\" café 😀 a/b\n")
        #expect(metadata.contacts == ["a@b"])
    }

    static let ecKey = #"{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}"#
    static let ecMembers = #""kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0""#

    @Test("jwks by value: the set's keys, unknown key types skipped (RFC 7517 §5)", arguments: [
        (#"{"keys":[\#(ecKey)]}"#, [nil] as [String?]),
        (#"{"keys":[\#(ecKey),{"kty":"XYZ","n":"x"}],"other":[1,{"a":null}]}"#, [nil]),
        (#"{"keys":[{\#(ecMembers),"kid":"k\u00e9\"1"}]}"#, ["ké\"1"]),
        (#"{"keys":[{\#(ecMembers),"kid":"first","kid":"last"}]}"#, ["last"]),
        (#"{"keys":[{\#(ecMembers),"kid":null}, {\#(ecMembers),"kid":"2"}]}"#, [nil, "2"]),
        (#"{"keys":[],"keys":[\#(ecKey)]}"#, [nil]),
    ])
    func jwksByValue(set: String, keyIDs: [String?]) throws {
        let metadata = try Self.parse(#""token_endpoint_auth_method":"private_key_jwt","jwks":\#(set)"#)
        guard case .jwks(let keys)? = metadata.publicKeys else {
            Issue.record("no keys")
            return
        }
        #expect(keys.keys.map(\.keyID) == keyIDs)
        #expect(try ClientMetadata(registered: metadata.json) == metadata)
    }

    @Test("jwks that is not a set of public keys is invalid_client_metadata", arguments: [
        #""x""#, "7", "true", "[]", #"[\#(ecKey)]"#, "{}", #"{"keys":null}"#, #"{"keys":"x"}"#, #"{"keys":{}}"#,
        #"{"keys":[]}"#, #"{"keys":[null]}"#, #"{"keys":[1]}"#, #"{"keys":[[]]}"#, #"{"keys":[{"kty":"XYZ"}]}"#,
        #"{"keys":[{"kty":"oct","k":"c2VjcmV0"}]}"#, #"{"keys":[{\#(ecMembers),"d":null}]}"#,
        #"{"keys":[{\#(ecMembers),"k":"c2VjcmV0"}]}"#, #"{"keys":[{\#(ecMembers),"kid":7}]}"#,
        #"{"keys":[{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU"}]}"#,
        #"{"keys":[{\#(ecMembers),"key_ops":null}]}"#, #"{"keys":[{\#(ecMembers),"kty":null}]}"#,
        #"{"keys":[\#(ecKey)],"keys":[]}"#,
    ])
    func jwksRefused(set: String) {
        #expect(Self.refusal(#""token_endpoint_auth_method":"private_key_jwt","jwks":\#(set)"#)
            == .invalidClientMetadata("jwks must be a JWK Set of public keys"))
    }

    @Test("the reader's accessors on one member, as the configuration endpoint uses them (RFC 7592 §2.2)", arguments: [
        // (value, isPresent, string, integer)
        (#""x""#, true, "x" as String?, nil as Int?), ("null", false, nil, nil), ("7", true, nil, 7), ("-7", true, nil, -7),
        ("7.0", true, nil, 7), ("7e0", true, nil, 7), ("1.7e9", true, nil, 1_700_000_000), ("7.5", true, nil, nil),
        ("true", true, nil, nil), ("false", true, nil, nil), ("[]", true, nil, nil), ("{}", true, nil, nil),
        ("9223372036854775807", true, nil, Int.max), ("9223372036854775808", true, nil, nil), ("1e19", true, nil, nil),
    ])
    func accessors(value: String, present: Bool, string: String?, integer: Int?) throws {
        let members = try ClientMetadata.members(of: Array(#"{"m":\#(value)}"#.utf8))
        #expect(members.isPresent("m") == present)
        #expect(members.isPresent("absent") == false)
        #expect((try? members.string("m")) == string)
        #expect((try? members.integer("m")) == integer)
        if present && string == nil {
            #expect(throws: OAuthError.invalidClientMetadata("m must be a string")) { try members.string("m") }
        }
        if present && integer == nil {
            #expect(throws: OAuthError.invalidClientMetadata("m must be a number")) { try members.integer("m") }
        }
    }
}
