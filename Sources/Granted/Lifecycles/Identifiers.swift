import Foundation

/// A random 128-bit identifier for records that are not secrets (authorizations, families, API
/// keys): safe to show, list and log. What the three identifier types share.
protocol RandomIdentifier: Sendable, Hashable, CustomStringConvertible {
    var uuid: UUID { get }
    init(uuid: UUID)
}

extension RandomIdentifier {
    /// A fresh identifier (UUID version 4 layout) from the server's random source.
    init(random: any RandomSource) {
        // Drawn straight into the UUID's 16 bytes: no array on the heap per identifier.
        var bytes: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &bytes) { random.fill($0) }
        bytes.6 = (bytes.6 & 0x0F) | 0x40
        bytes.8 = (bytes.8 & 0x3F) | 0x80
        self.init(uuid: UUID(uuid: bytes))
    }
    static func parsing(_ text: String) -> Self? { UUID(uuidString: text).map(Self.init(uuid:)) }
    var text: String { uuid.uuidString.lowercased() }
}

/// Identifies a user authorization: the grant one user gave one client.
public struct AuthorizationID: RandomIdentifier, Codable {
    public let uuid: UUID
    public init(uuid: UUID) { self.uuid = uuid }
    /// Parses the lower- or upper-case UUID text form; nil for anything else.
    public init?(_ text: String) {
        guard let parsed = Self.parsing(text) else { return nil }
        self = parsed
    }
    public var description: String { text }
}

/// Identifies a token family: everything one code redemption (or one implicit approval) issued.
public struct FamilyID: RandomIdentifier, Codable {
    public let uuid: UUID
    public init(uuid: UUID) { self.uuid = uuid }
    /// Parses the lower- or upper-case UUID text form; nil for anything else.
    public init?(_ text: String) {
        guard let parsed = Self.parsing(text) else { return nil }
        self = parsed
    }
    public var description: String { text }
}

/// Identifies an API key, so it can be listed and revoked without knowing the key.
public struct APIKeyID: RandomIdentifier, Codable {
    public let uuid: UUID
    public init(uuid: UUID) { self.uuid = uuid }
    /// Parses the lower- or upper-case UUID text form; nil for anything else.
    public init?(_ text: String) {
        guard let parsed = Self.parsing(text) else { return nil }
        self = parsed
    }
    public var description: String { text }
}
