import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// A relying party's back-channel logout endpoint (Back-Channel Logout 1.0 §2.8) on a real
/// loopback port: records every POST, answers 500 to the first `failures` of them and 200 after,
/// each after `delay`. `/moved` answers 307 to `/backchannel`, for a sender that must not follow.
actor LogoutListener {
    struct Post: Sendable {
        let contentType: String?
        let body: String
    }

    private(set) var posts: [Post] = []
    let failures: Int
    let delay: Duration

    init(failures: Int = 0, delay: Duration = .zero) {
        self.failures = failures
        self.delay = delay
    }

    private func record(_ post: Post) -> HTTPResponse.Status {
        posts.append(post)
        return posts.count > failures ? .ok : .internalServerError
    }

    /// Runs `test` with the endpoint's URI while the listener accepts connections.
    func run<Value: Sendable>(_ test: @Sendable (_ uri: String) async throws -> Value) async throws -> Value {
        let router = Router()
        router.post("/backchannel") { [self] request, _ -> HTTPResponse.Status in
            let body = try await request.body.collect(upTo: 64 * 1024)
            if delay > .zero { try await Task.sleep(for: delay) }
            return await record(Post(contentType: request.headers[.contentType], body: String(buffer: body)))
        }
        router.post("/moved") { _, _ -> Response in
            Response(status: .temporaryRedirect, headers: [.location: "/backchannel"])
        }
        let app = Application(
            router: router, configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
            logger: DemoHarness.quietLogger)
        return try await app.test(.live) { http in
            let port = try #require(http.port)
            return try await test("http://127.0.0.1:\(port)/backchannel")
        }
    }
}
