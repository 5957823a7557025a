import Foundation
import Granted

/// Pushed authorization requests (RFC 9126) between their first view and the user's decision.
/// Granted uses a `request_uri` up the first time `/authorize` runs it (§4), so the pages keep
/// the validated request here, by the SHA-256 of its `request_uri` (a secret, never kept as is),
/// and their forms carry only `client_id` and `request_uri`: the pushed parameters never reach
/// the browser.
actor PushedInteractions {
    /// Time for the user to sign in and decide.
    static let lifetime: TimeInterval = 600
    /// Past this many, the oldest are forgotten.
    static let capacity = 10_000

    private var requests: [Digest256: (request: AuthorizationRequest, until: Date)] = [:]
    private let clock: any WallClock

    init(clock: any WallClock) { self.clock = clock }

    /// Keeps `request` for the forms that follow its first view.
    func keep(_ request: AuthorizationRequest, requestURI: String) {
        let now = clock.now
        requests = requests.filter { $0.value.until > now }
        if requests.count >= Self.capacity, let oldest = requests.min(by: { $0.value.until < $1.value.until })?.key {
            requests[oldest] = nil
        }
        requests[Digest256(hashing: requestURI)] = (request, now + Self.lifetime)
    }

    /// The request a form of `client` carries by `requestURI`, while its interaction lasts.
    func request(_ requestURI: String, client: String) -> AuthorizationRequest? {
        guard let kept = requests[Digest256(hashing: requestURI)], kept.until > clock.now, kept.request.client.id.rawValue == client
        else { return nil }
        return kept.request
    }

    /// The interaction ended (approved, denied or rejected).
    func end(_ requestURI: String) { requests[Digest256(hashing: requestURI)] = nil }
}
