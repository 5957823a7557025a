import ArgumentParser
import Foundation
import Granted

/// The server key, which client secrets are derived from (`DerivedClientSecret`): every process
/// of a deployment and this command must share it.
struct ServerKeyOptions: ParsableArguments {
    @Option(
        name: .long,
        help: "File holding the server key: base64 or base64url of at least 32 bytes (default: $GRANTED_SERVER_KEY, the key itself).")
    var serverKeyFile: String?

    /// The key, or nil when neither the option nor the environment gives one.
    func key() throws(Failure) -> ServerKey? {
        let text: String
        if let serverKeyFile {
            guard let data = FileManager.default.contents(atPath: serverKeyFile) else {
                throw .usage("cannot read the server key file \(serverKeyFile)")
            }
            text = String(decoding: data, as: UTF8.self)
        } else if let value = ProcessInfo.processInfo.environment["GRANTED_SERVER_KEY"], !value.isEmpty {
            text = value
        } else {
            return nil
        }
        do { return try ServerKey(encoded: text) } catch .notBase64 {
            throw .refused("the server key is not base64")
        } catch {
            throw .refused("the server key is shorter than 32 bytes (RFC 2104 §3)")
        }
    }

    /// The key, required: what a command that issues a client secret needs.
    func requiredKey() throws(Failure) -> ServerKey {
        guard let key = try key() else {
            throw .usage("this needs the server key: pass --server-key-file or set GRANTED_SERVER_KEY")
        }
        return key
    }
}
