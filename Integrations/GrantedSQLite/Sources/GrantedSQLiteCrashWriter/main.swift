// The child process of GrantedSQLite's crash and multi-process tests. Not for hosts.
//
//   granted-sqlite-crash-writer write PATH FIRST
//       From iteration FIRST on, forever: stores code i, redeems it, rotates the one refresh
//       family to generation i, and registers client `client-i` (a client row and its
//       registration row in one transaction), printing one line after each commit
//       (`code i`, `redeemed i`, `rotated i`, `client i`). The test kills it with SIGKILL.
//   granted-sqlite-crash-writer race PATH COUNT
//       For k in 0..<COUNT: redeems code `race-k`, uses pushed request `race-k` (RFC 9126 §4) and
//       records one-time use `race-k`, printing `code k granted|refused`, `pushed k
//       granted|refused` and `once k true|false`. Two of these race on one file.
//
// Digests are SHA-256 of the names above (`code-i`, `rt-i`, `race-k`); the test derives the same.
import Foundation
import Granted
import GrantedSQLite

/// Writes the line and flushes it: the test must see every line printed before the kill.
func report(_ line: String) {
    let bytes = Array((line + "\n").utf8)
    bytes.withUnsafeBytes { buffer in
        var offset = 0
        while offset < buffer.count {
            let written = write(1, buffer.baseAddress! + offset, buffer.count - offset)
            if written <= 0 { exit(3) }
            offset += written
        }
    }
}

let epoch = Date(timeIntervalSince1970: 1_700_000_000)
let familyID = FamilyID(uuid: UUID(uuidString: "6F1A1E00-0000-4000-8000-000000000001")!)
let authorizationID = AuthorizationID(uuid: UUID(uuidString: "6F1A1E00-0000-4000-8000-000000000002")!)

func code() -> AuthorizationCode {
    AuthorizationCode(
        client: ClientID("crash-client"), redirectURI: "https://c.example.com/cb", scopes: .empty,
        subject: Subject("alice"), authTime: epoch, nonce: nil, challenge: nil, authorization: authorizationID,
        family: familyID, issuedAt: epoch, state: .issued(expiresAt: .distantFuture))
}

/// Generation `i` of the family: current `rt-i`, previous `rt-(i-1)`.
func family(generation i: Int) -> RefreshFamily {
    RefreshFamily(
        id: familyID, client: ClientID("crash-client"), subject: Subject("alice"), scopes: .empty,
        authorization: authorizationID, authTime: epoch, createdAt: epoch, expiresAt: nil,
        current: Digest256(hashing: "rt-\(i)"), accessTokensExpireBy: nil,
        previous: i == 0 ? nil : .init(digest: Digest256(hashing: "rt-\(i - 1)"), rotatedAt: epoch + Double(i), retried: false),
        lastUsedAt: epoch + Double(i))
}

func registration(_ i: Int) throws -> RegisteredClient {
    let metadata = try ClientMetadata(
        json: Array(#"{"redirect_uris":["https://c.example.com/cb"],"token_endpoint_auth_method":"none"}"#.utf8),
        policy: Policy())
    return RegisteredClient(
        client: metadata.client(id: ClientID("client-\(i)"), secretHash: nil), metadata: metadata, issuedAt: epoch,
        accessTokenDigest: Digest256(hashing: "registration-\(i)"))
}

let arguments = CommandLine.arguments
guard arguments.count == 4, let number = Int(arguments[3]) else {
    FileHandle.standardError.write(Data("usage: granted-sqlite-crash-writer write|race PATH N\n".utf8))
    exit(2)
}
let database = try SQLiteDatabase(path: arguments[2])
let store = database.grantStore
switch arguments[1] {
case "write":
    var i = number
    while true {
        let digest = Digest256(hashing: "code-\(i)")
        try await store.insert(code(), at: digest)
        report("code \(i)")
        _ = try await store.updateCode(at: digest) { $0.redeem(at: epoch) }
        report("redeemed \(i)")
        let next = family(generation: i)
        try await store.updateFamily(familyID) { $0 = next }
        report("rotated \(i)")
        _ = try await database.clientStore.insert(try registration(i))
        report("client \(i)")
        i += 1
    }
case "race":
    for k in 0..<number {
        let digest = Digest256(hashing: "race-\(k)")
        let redemption = try await store.updateCode(at: digest) { $0.redeem(at: epoch) }
        report("code \(k) \(redemption == .granted ? "granted" : "refused")")
        let use = try await store.updatePushedRequest(at: digest) { $0.use(by: ClientID("crash-client"), at: epoch) }
        report("pushed \(k) \(use.map { if case .granted = $0 { true } else { false } } == true ? "granted" : "refused")")
        report("once \(k) \(try await store.insertOnce(digest, expiresAt: .distantFuture))")
    }
default:
    exit(2)
}
