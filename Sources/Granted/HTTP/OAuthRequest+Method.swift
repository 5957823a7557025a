extension OAuthRequest {
    /// An HTTP request method (RFC 9110 §9): an open registry, so a raw-value struct, like
    /// swift-http-types' `HTTPRequest.Method`. Case-sensitive (§9.1): `get` is not `GET`.
    public struct Method: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// RFC 9110 §9.3.1.
        public static let get = Method(rawValue: "GET")
        /// RFC 9110 §9.3.2: GET without the body.
        public static let head = Method(rawValue: "HEAD")
        /// RFC 9110 §9.3.3: what the token, revocation and introspection endpoints accept.
        public static let post = Method(rawValue: "POST")
        /// RFC 9110 §9.3.4.
        public static let put = Method(rawValue: "PUT")
        /// RFC 9110 §9.3.5.
        public static let delete = Method(rawValue: "DELETE")
        /// RFC 9110 §9.3.6.
        public static let connect = Method(rawValue: "CONNECT")
        /// RFC 9110 §9.3.7: a CORS preflight.
        public static let options = Method(rawValue: "OPTIONS")
        /// RFC 9110 §9.3.8.
        public static let trace = Method(rawValue: "TRACE")
        /// RFC 5789.
        public static let patch = Method(rawValue: "PATCH")
    }
}
