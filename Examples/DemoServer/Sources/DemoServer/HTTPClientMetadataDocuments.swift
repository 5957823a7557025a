import Foundation
import Granted
import Synchronization

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Fetches client metadata documents with `URLSession` (draft-ietf-oauth-client-id-metadata-document
/// §5): `GET` with a timeout, redirects answered as they came (never followed), the body cut off
/// past the limit (§8.7), and no connection to a name that resolves to a special-use address
/// (§8.6, RFC 6890). The name is resolved once to check and again by `URLSession` to connect; a
/// production host pins the checked address instead (DNS rebinding).
public struct HTTPClientMetadataDocuments: ClientMetadataDocumentSource {
    public enum Failure: Error, Sendable, Hashable {
        case unresolvable
        case specialUseAddress
        case tooLarge
        case notHTTP
    }

    public var timeout: TimeInterval
    /// Lets tests fetch from a server on this machine over plain HTTP; never in a deployment.
    let allowsLoopbackForTesting: Bool

    public init(timeout: TimeInterval = 5) {
        self.timeout = timeout
        self.allowsLoopbackForTesting = false
    }

    init(timeout: TimeInterval, allowsLoopbackForTesting: Bool) {
        self.timeout = timeout
        self.allowsLoopbackForTesting = allowsLoopbackForTesting
    }

    public func document(at url: ClientIdentifierURL, limit: Int) async throws -> FetchedClientMetadataDocument {
        try await fetch(url.url, limit: limit)
    }

    func fetch(_ url: URL, limit: Int) async throws -> FetchedClientMetadataDocument {
        if !allowsLoopbackForTesting {
            guard url.scheme == "https", let host = url.host else { throw Failure.notHTTP }
            try SpecialUseAddresses.refuse(host: host)
        }
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        configuration.urlCache = nil
        configuration.httpCookieStorage = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        let download = CappedDownload(limit: limit)
        let session = URLSession(configuration: configuration, delegate: download, delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }
        var request = URLRequest(url: url)
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        return try await download.run(session.dataTask(with: request))
    }
}

/// One download: the status and caching headers, the body up to `limit` bytes, redirects refused.
private final class CappedDownload: NSObject, URLSessionDataDelegate, Sendable {
    private struct State {
        var continuation: CheckedContinuation<FetchedClientMetadataDocument, any Error>?
        var response: HTTPURLResponse?
        var body: [UInt8] = []
        var tooLarge = false
    }

    let limit: Int
    private let state = Mutex(State())

    init(limit: Int) { self.limit = limit }

    func run(_ task: URLSessionDataTask) async throws -> FetchedClientMetadataDocument {
        try await withCheckedThrowingContinuation { continuation in
            state.withLock { $0.continuation = continuation }
            task.resume()
        }
    }

    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void
    ) {
        completionHandler(nil)  // §5: the 3xx itself is the answer, and it is not a document
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void
    ) {
        let http = response as? HTTPURLResponse
        let tooLarge = response.expectedContentLength > Int64(limit)
        state.withLock {
            $0.response = http
            $0.tooLarge = tooLarge
        }
        completionHandler(tooLarge ? .cancel : .allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let overLimit = state.withLock { state in
            state.body.append(contentsOf: data)
            if state.body.count > limit { state.tooLarge = true }
            return state.tooLarge
        }
        if overLimit { dataTask.cancel() }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        let (continuation, result) = state.withLock { state -> (CheckedContinuation<FetchedClientMetadataDocument, any Error>?, Result<FetchedClientMetadataDocument, any Error>) in
            let continuation = state.continuation
            state.continuation = nil
            if state.tooLarge { return (continuation, .failure(HTTPClientMetadataDocuments.Failure.tooLarge)) }
            if let error { return (continuation, .failure(error)) }
            guard let response = state.response else {
                return (continuation, .failure(HTTPClientMetadataDocuments.Failure.notHTTP))
            }
            return (
                continuation,
                .success(
                    FetchedClientMetadataDocument(
                        status: response.statusCode, body: state.body,
                        cacheControl: response.value(forHTTPHeaderField: "Cache-Control"),
                        age: response.value(forHTTPHeaderField: "Age")))
            )
        }
        continuation?.resume(with: result)
    }
}
