import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// RFC 6890's special-use blocks (and their later additions): a client metadata document is
/// never fetched from one (draft-ietf-oauth-client-id-metadata-document §8.6).
enum SpecialUseAddresses {
    /// Resolves `host` and throws when it has no address or any address is special-use.
    static func refuse(host: String) throws {
        var hints = addrinfo()
        #if canImport(Glibc)
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
            hints.ai_socktype = SOCK_STREAM
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, "443", &hints, &list) == 0, let first = list else {
            throw HTTPClientMetadataDocuments.Failure.unresolvable
        }
        defer { freeaddrinfo(first) }
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let current = entry {
            if let address = current.pointee.ai_addr {
                switch Int32(address.pointee.sa_family) {
                case AF_INET:
                    let bytes = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                        withUnsafeBytes(of: $0.pointee.sin_addr) { Array($0) }
                    }
                    if isSpecialUse(ipv4: bytes) { throw HTTPClientMetadataDocuments.Failure.specialUseAddress }
                case AF_INET6:
                    let bytes = address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) {
                        withUnsafeBytes(of: $0.pointee.sin6_addr) { Array($0) }
                    }
                    if isSpecialUse(ipv6: bytes) { throw HTTPClientMetadataDocuments.Failure.specialUseAddress }
                default:
                    throw HTTPClientMetadataDocuments.Failure.specialUseAddress
                }
            }
            entry = current.pointee.ai_next
        }
    }

    /// 0/8, 10/8, 100.64/10, 127/8, 169.254/16, 172.16/12, 192.0.0/24, 192.0.2/24, 192.88.99/24,
    /// 192.168/16, 198.18/15, 198.51.100/24, 203.0.113/24, 224/4 and 240/4 (with broadcast).
    static func isSpecialUse(ipv4 bytes: [UInt8]) -> Bool {
        guard bytes.count == 4 else { return true }
        let (a, b, c) = (bytes[0], bytes[1], bytes[2])
        switch a {
        case 0, 10, 127: return true
        case 100: return (64...127).contains(b)
        case 169: return b == 254
        case 172: return (16...31).contains(b)
        case 192: return (b == 0 && (c == 0 || c == 2)) || (b == 88 && c == 99) || b == 168
        case 198: return b == 18 || b == 19 || (b == 51 && c == 100)
        case 203: return b == 0 && c == 113
        default: return a >= 224
        }
    }

    /// Everything outside global unicast 2000::/3, and inside it 2001::/23 (IETF protocol
    /// assignments, Teredo), 2001:db8::/32 (documentation) and 2002::/16 (6to4); an
    /// IPv4-mapped address by its IPv4 rules.
    static func isSpecialUse(ipv6 bytes: [UInt8]) -> Bool {
        guard bytes.count == 16 else { return true }
        if bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF {
            return isSpecialUse(ipv4: Array(bytes[12..<16]))
        }
        guard bytes[0] & 0xE0 == 0x20 else { return true }
        if bytes[0] == 0x20, bytes[1] == 0x01, bytes[2] < 0x02 { return true }
        if bytes[0] == 0x20, bytes[1] == 0x01, bytes[2] == 0x0D, bytes[3] == 0xB8 { return true }
        return bytes[0] == 0x20 && bytes[1] == 0x02
    }
}
