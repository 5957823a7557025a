import Foundation
import Granted

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Sends back-channel logout deliveries (OpenID Connect Back-Channel Logout 1.0 §2.5): each a
/// form POST of `logout_token`, concurrently, each with a timeout and a bounded number of
/// attempts; a 2xx is done (§2.8). Failures are dropped: the user is signed out here either way.
/// Redirects are refused: the token goes to the registered `backchannel_logout_uri` only, never
/// wherever that endpoint points (a 3xx is a failed attempt).
struct BackChannelSender: Sendable {
    var timeout: TimeInterval = 3
    var attempts = 3

    func send(_ deliveries: [BackChannelLogoutDelivery]) async {
        await withTaskGroup(of: Bool.self) { group in
            for delivery in deliveries { group.addTask { await send(delivery) } }
            for await _ in group {}
        }
    }

    /// Whether the client answered 2xx within `attempts` tries.
    func send(_ delivery: BackChannelLogoutDelivery) async -> Bool {
        guard let url = URL(string: delivery.uri) else { return false }
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.setValue(BackChannelLogoutDelivery.contentType, forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(delivery.body)
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.timeoutIntervalForResource = timeout
        let session = URLSession(configuration: configuration, delegate: RefusingRedirects(), delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }
        for attempt in 0..<max(1, attempts) {
            if let answer = try? await session.data(for: request),
                let status = (answer.1 as? HTTPURLResponse)?.statusCode, (200..<300).contains(status)
            {
                return true
            }
            if attempt + 1 < attempts { try? await Task.sleep(nanoseconds: UInt64(250_000_000 * (attempt + 1))) }
        }
        return false
    }
}

/// Answers every redirect with "do not follow", so the 3xx itself is the response.
private final class RefusingRedirects: NSObject, URLSessionTaskDelegate, Sendable {
    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }
}
