import Granted
import HTTPTypes
import Hummingbird

// The whole of the Hummingbird ↔ Granted translation. Everything else in the demo speaks
// Granted's `OAuthRequest`/`OAuthResponse`, and everything OAuth happens in Granted.

extension OAuthRequest {
    /// Hummingbird's request as Granted's value: method, raw path and query, every header field
    /// in order, and the body collected up to `maxBodyBytes` (beyond it this throws Hummingbird's
    /// 413 error, which `serve` answers with a body of its own).
    public init(_ request: Request, maxBodyBytes: Int) async throws {
        var request = request
        let body = try await request.collectBody(upTo: maxBodyBytes)
        // One array of the right size: appending field by field would regrow it per request.
        let headers = HeaderFields(request.headers.map { HeaderFields.Field(name: $0.name.rawName, value: $0.value) })
        self.init(
            method: OAuthRequest.Method(rawValue: request.method.rawValue), path: request.uri.path, query: request.uri.query,
            headers: headers, body: Array(buffer: body))
    }
}

extension Response {
    /// Granted's answer written out as is.
    public init(_ response: OAuthResponse) {
        var headers = HTTPFields()
        for field in response.headers {
            guard let name = HTTPField.Name(field.name) else { continue }
            headers.append(HTTPField(name: name, value: field.value))
        }
        self.init(
            status: HTTPResponse.Status(code: response.status), headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: response.body)))
    }
}

extension Router {
    /// Serves `path` for every common method with a handler of Granted's values; the handler
    /// answers 405 itself for the methods it does not take. A body over `maxBodyBytes` gets
    /// `tooLarge`: by default a JSON `invalid_request` (RFC 6749 §5.2), never an empty 413.
    public func serve(
        _ path: String, maxBodyBytes: Int, tooLarge: OAuthResponse = OAuthError.contentTooLargeResponse,
        with handler: @escaping @Sendable (OAuthRequest) async -> OAuthResponse
    ) {
        let methods: [HTTPRequest.Method] = [.get, .head, .post, .put, .delete, .patch, .options]
        for method in methods {
            on(RouterPath(path), method: method) { request, _ -> Response in
                let oauthRequest: OAuthRequest
                do {
                    oauthRequest = try await OAuthRequest(request, maxBodyBytes: maxBodyBytes)
                } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
                    return Response(tooLarge)
                }
                let answer = await handler(oauthRequest)
                let response = Response(answer)
                return request.method == .head ? response.createHeadResponse() : response
            }
        }
    }
}
