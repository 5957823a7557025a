@testable import Granted
import GrantedTesting

/// A malformed token request drawn from a seed, with the error it must get when that is certain.
struct MalformedTokenRequest {
    enum Kind: CaseIterable {
        case missingGrantType, missingAuthentication, repeatedParameter, emptyValue, oversizeBody
        case tooManyParameters, nonUTF8, badEscape, badBasic, conflictingAuthentication
        case wrongMethod, wrongContentType, randomBody, unknownGrantType, badScope
    }

    let kind: Kind
    let request: OAuthRequest
    /// The RFC 6749 §5.2 code it must get; nil when any of them will do (random bodies).
    let code: String?
    let status: Int?

    private static let service = TestServer.service

    init(seed: UInt64) {
        var random = SplitMix64(state: seed)
        // The seed picks the kind in turn, so 200 seeds cover every kind; the generator picks the rest.
        let kind = Kind.allCases[Int(seed % UInt64(Kind.allCases.count))]
        let basic = Bool.random(using: &random)
        var parameters: [(String, String)] = [("grant_type", "client_credentials")]
        if !basic {
            parameters += [("client_id", Self.service.clientID.rawValue), ("client_secret", Self.service.secret)]
        }
        if Bool.random(using: &random) { parameters.append(("scope", "public")) }
        for index in 0..<Int.random(in: 0...3, using: &random) {
            parameters.append(("x_extension_\(index)", Self.word(&random)))  // ignored (RFC 6749 §3.2)
        }
        parameters.shuffle(using: &random)
        var headers: HeaderFields = ["Content-Type": "application/x-www-form-urlencoded"]
        if basic { headers.append("Authorization", Self.service.headerValue) }
        var method = OAuthRequest.Method.post
        var code: String?
        var extraBytes: [UInt8] = []
        var rawBody: [UInt8]?

        switch kind {
        case .missingGrantType:
            parameters.removeAll { $0.0 == "grant_type" }
            code = "invalid_request"
        case .missingAuthentication:
            headers = HeaderFields(headers.fields.filter { $0.name != "Authorization" })
            parameters.removeAll { $0.0 == "client_secret" || $0.0 == "client_id" }
            if Bool.random(using: &random) { parameters.append(("client_id", "service")) }
            code = "invalid_client"
        case .repeatedParameter:
            let names =
                basic ? ["grant_type", "scope", "client_id"] : ["grant_type", "scope", "client_id", "client_secret"]
            let name = names[Int.random(in: 0..<names.count, using: &random)]
            let value = ["client_credentials", "public", "service", Self.service.secret, "x"][
                Int.random(in: 0..<5, using: &random)]
            if !parameters.contains(where: { $0.0 == name }) { parameters.append((name, value)) }
            parameters.insert((name, value), at: Int.random(in: 0...parameters.count, using: &random))
            code = "invalid_request"
        case .emptyValue:
            let names = basic ? ["grant_type"] : ["grant_type", "client_id", "client_secret"]
            let name = names[Int.random(in: 0..<names.count, using: &random)]
            parameters = parameters.map { $0.0 == name ? (name, "") : $0 }
            code = name == "grant_type" ? "invalid_request" : "invalid_client"
        case .oversizeBody:
            parameters.append(
                ("padding", String(repeating: "x", count: Int.random(in: 16_385...40_000, using: &random))))
            code = "invalid_request"
        case .tooManyParameters:
            for index in 0..<Int.random(in: 65...300, using: &random) { parameters.append(("p\(index)", "v")) }
            code = "invalid_request"
        case .nonUTF8:
            let invalid: [[UInt8]] = [
                [0xFF], [0xC3], [0x80], [0xC0, 0xAF], [0xED, 0xA0, 0x80], Array("%FF".utf8), Array("%C3%28".utf8),
            ]
            let bytes = invalid[Int.random(in: 0..<invalid.count, using: &random)]
            extraBytes = Array("&note=".utf8) + bytes
            code = "invalid_request"
        case .badEscape:
            let escapes = ["%", "%2", "%G1", "%%", "%zz", "x%4"]
            extraBytes = Array("&note=\(escapes[Int.random(in: 0..<escapes.count, using: &random)])".utf8)
            code = "invalid_request"
        case .badBasic:
            parameters.removeAll { $0.0 == "client_secret" || $0.0 == "client_id" }
            headers.set("Authorization", Self.badBasicHeader(&random))
            code = "invalid_client"
        case .conflictingAuthentication:
            parameters.removeAll { $0.0 == "client_secret" || $0.0 == "client_id" }
            headers.set("Authorization", Self.service.headerValue)
            switch Int.random(in: 0..<3, using: &random) {
            case 0: parameters.append(("client_secret", Self.service.secret))  // two methods (§2.3)
            case 1: parameters.append(("client_id", "web-app"))  // another client than Basic names
            default: headers.append("Authorization", Self.service.headerValue)  // two headers
            }
            code = "invalid_request"
        case .wrongMethod:
            method = [OAuthRequest.Method.get, .put, .delete, .patch][Int.random(in: 0..<4, using: &random)]
        case .wrongContentType:
            let types = [
                "text/plain", "application/json", "multipart/form-data; boundary=x", "",
                "application/x-www-form-urlencodedx", "form",
            ]
            let type = Int.random(in: 0...types.count, using: &random)
            headers = HeaderFields(headers.fields.filter { $0.name != "Content-Type" })
            if type < types.count { headers.append("Content-Type", types[type]) }
            code = "invalid_request"
        case .randomBody:
            rawBody = Self.bytes(0...512, &random)
            headers.set("Authorization", BasicCredentials(clientID: "service", secret: "wrong").headerValue)
        case .unknownGrantType:
            let grants = [
                "password", "implicit", "token", "urn:ietf:params:oauth:grant-type:jwt-bearer", Self.word(&random),
            ]
            let grant = grants[Int.random(in: 0..<grants.count, using: &random)]
            parameters = parameters.map { $0.0 == "grant_type" ? ("grant_type", grant) : $0 }
            code = "unsupported_grant_type"
        case .badScope:
            let scopes = [
                "public  profile", " public", "public ", "\"public\"", "pub\\lic", "email", "admin", Self.word(&random),
            ]
            parameters.removeAll { $0.0 == "scope" }
            parameters.append(("scope", scopes[Int.random(in: 0..<scopes.count, using: &random)]))
            code = "invalid_scope"
        }

        self.kind = kind
        self.code = code
        self.status = kind == .wrongMethod ? 405 : code.map { $0 == "invalid_client" ? 401 : 400 }
        let body = rawBody ?? Array(FormEncoding.encode(parameters.map { ($0.0, $0.1 as String?) }).utf8) + extraBytes
        self.request = OAuthRequest(method: method, path: "/token", headers: headers, body: body)
    }

    /// Random bytes, as many as a draw from `count`.
    private static func bytes(_ count: ClosedRange<Int>, _ random: inout SplitMix64) -> [UInt8] {
        (0..<Int.random(in: count, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
    }

    /// 1 to 12 letters without e, i, o or u, so never a grant type or a scope the server knows.
    private static func word(_ random: inout SplitMix64) -> String {
        let letters = Array("abcdfghjkmnpqrstvwxyz")
        return String(
            (0..<Int.random(in: 1...12, using: &random)).map { _ in
                letters[Int.random(in: 0..<letters.count, using: &random)]
            })
    }

    /// A Basic header that cannot authenticate `service`: bad base64, no colon, a wrong secret, another scheme.
    private static func badBasicHeader(_ random: inout SplitMix64) -> String {
        let noise = bytes(1...40, &random)
        let headers = [
            "Basic", "Basic ", "Basic !!!!", "Basic c2VydmljZQ",
            "Basic " + Base64Standard.encode(Array("service".utf8)),
            "Basic " + Base64Standard.encode(noise), "Basic " + Base64Standard.encode(noise) + "=",
            BasicCredentials(clientID: "service", secret: "wrong").headerValue,
            BasicCredentials(clientID: "nobody", secret: "service-secret").headerValue,
            "Bearer " + Base64URL.encode(noise),
            "basic " + String(repeating: "A", count: 4 * Int.random(in: 1...10, using: &random)),
        ]
        return headers[Int.random(in: 0..<headers.count, using: &random)]
    }
}
