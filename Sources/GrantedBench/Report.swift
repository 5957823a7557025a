import Foundation

/// The distance of each hot path to the primitives it is made of, and the machine-readable lines.
enum Report {
    /// What each path costs at the least: the primitives it cannot avoid, with how many of each.
    static let recipes: [(path: String, parts: [(String, Int)], what: String)] = [
        ("cc", [("prim.random32", 1), ("prim.sha256.token", 2), ("prim.base64url32", 1), ("prim.store.insert", 1),
                ("prim.response", 1)],
         "random, SHA-256 of secret and token, base64url, insert, response body"),
        ("bearer", [("prim.sha256.token", 1), ("prim.store.lookup", 1)], "SHA-256 of the token, lookup"),
        ("refresh", [("prim.random32", 2), ("prim.sha256.token", 4), ("prim.base64url32", 2), ("prim.store.insert", 2),
                     ("prim.store.lookup", 2), ("prim.response", 1)],
         "2 tokens minted, secret + presented + 2 new hashed, 2 inserts, 2 lookups, body"),
        ("code", [("prim.random32", 3), ("prim.sha256.token", 6), ("prim.base64url32", 3), ("prim.store.insert", 4),
                  ("prim.store.lookup", 2), ("prim.response", 1)],
         "code + access + refresh minted, 6 hashes (incl. secret, PKCE), 4 inserts, 2 lookups, body"),
        ("introspect", [("prim.sha256.token", 2), ("prim.store.lookup", 1), ("prim.response", 1)],
         "SHA-256 of secret and token, lookup, body"),
        ("device.poll", [("prim.sha256.token", 1), ("prim.store.lookup", 1)], "SHA-256 of the device code, lookup"),
        ("device.redeem", [("prim.random32", 2), ("prim.sha256.token", 3), ("prim.base64url32", 2),
                           ("prim.store.insert", 2), ("prim.store.lookup", 2), ("prim.response", 1)],
         "2 tokens minted, device code + 2 new hashed, 2 inserts, 2 lookups (device, authorization), body"),
        ("registration", [("prim.random32", 2), ("prim.sha256.token", 1), ("prim.base64url32", 2),
                          ("prim.store.insert", 1), ("prim.response", 1)],
         "client ID and registration access token minted, the token hashed, the client inserted, body"),
        ("jwtat.cc", [("prim.random32", 1), ("prim.sha256.token", 2), ("prim.base64url32", 1), ("prim.store.insert", 1),
                      ("prim.response", 1), ("prim.hs256.jwtat", 1)],
         "what cc needs, and the HS256 signature over the JWT access token's signing input"),
        ("jwtat.verify", [("prim.hs256.verify.jwtat", 1)], "the HS256 signature over the token's signing input, checked"),
        ("idtoken", [("prim.hs256.idtoken", 1), ("prim.sha256.token", 1)],
         "the HS256 signature over the ID token's signing input, and at_hash (one SHA-256)"),
    ]

    static func primitiveRatios(_ bench: Bench) -> String {
        var lines = ["distance to the primitives (median ns/op of the path ÷ sum of its primitives' ns/op):"]
        for recipe in recipes {
            guard let path = bench.result(recipe.path) else { continue }
            var sum = 0.0
            var complete = true
            for (name, count) in recipe.parts {
                guard let part = bench.result(name) else { complete = false; break }
                sum += part.medianNanosPerOp * Double(count)
            }
            guard complete, sum > 0 else { continue }
            lines.append(
                // Padded in Swift: Foundation on Linux ignores a width on %@.
                "  " + recipe.path.padding(toLength: 11, withPad: " ", startingAt: 0)
                    + String(
                        format: " %7.0f ns = %4.1f× its primitives (%4.0f ns: %@)", path.medianNanosPerOp,
                        path.medianNanosPerOp / sum, sum, recipe.what))
        }
        return lines.count > 1 ? lines.joined(separator: "\n") : "(run with the prim scenario for the distance to the primitives)"
    }

    /// The names the peer benchmarks use for the same work.
    static let peerNames = [
        "cc": "client_credentials", "code": "code_round_trip", "refresh": "refresh_rotation",
        "bearer": "bearer_verify", "introspect": "introspection", "idtoken": "id_token_hs256",
    ]

    static func jsonLines(_ bench: Bench) -> [String] {
        bench.results.map { m in
            String(
                format: #"{"scenario": "%@", "name": "%@", "median": %.0f, "min": %.0f, "max": %.0f, "runs": %d, "callers": %d}"#,
                peerNames[m.name] ?? m.name, m.name, m.medianOpsPerSecond, m.minOpsPerSecond, m.maxOpsPerSecond,
                m.runs.count, m.callers)
        }
    }
}
