/// An HTTP response as Granted answers it; the host writes it out as is.
public struct OAuthResponse: Sendable, Hashable {
    public var status: Int
    public var headers: HeaderFields
    public var body: [UInt8]

    public init(status: Int, headers: HeaderFields = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The body as UTF-8 text (for tests, logs of public bodies and simple hosts).
    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// A JSON response that must not be cached: token and error responses (RFC 6749 §5.1).
    static func json(_ body: [UInt8], status: Int = 200) -> OAuthResponse {
        OAuthResponse(status: status, headers: jsonNoStoreHeaders, body: body)
    }

    /// Built once and shared (copy-on-write), so a token response allocates no header storage.
    private static let jsonNoStoreHeaders = HeaderFields([
        .init(name: "Content-Type", value: "application/json"),
        .init(name: "Cache-Control", value: "no-store"),
        .init(name: "Pragma", value: "no-cache"),
    ])
}
