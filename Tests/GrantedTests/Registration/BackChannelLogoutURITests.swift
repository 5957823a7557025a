import Testing

@testable import Granted

/// `backchannel_logout_uri` at registration (OpenID Connect Back-Channel Logout 1.0 §2.2): an
/// absolute URI without a fragment, https, or http only for a confidential client.
@Suite("Registration: backchannel_logout_uri")
struct BackChannelLogoutURITests {
    @Test(
        "http is for confidential clients only; https for any (§2.2)",
        arguments: [
            ("http://127.0.0.1:9000/bcl", "client_secret_basic", true), ("http://127.0.0.1:9000/bcl", "none", false),
            ("http://localhost/bcl", "none", false), ("https://rp.example.com/bcl", "none", true),
            ("https://rp.example.com/bcl", "client_secret_post", true),
        ])
    func scheme(uri: String, method: String, accepted: Bool) {
        let json = #"{"redirect_uris":["https://rp.example.com/cb"],"token_endpoint_auth_method":"\#(method)","backchannel_logout_uri":"\#(uri)"}"#
        do {
            let metadata = try ClientMetadata(json: Array(json.utf8), policy: Policy())
            #expect(accepted && metadata.backchannelLogoutURI == uri, "accepted \(uri) for \(method)")
        } catch {
            #expect(!accepted && error.code == "invalid_client_metadata", "\(error)")
        }
    }
}
