/// Comparison of secrets (client secrets, PKCE verifiers, MACs) whose running time does not
/// reveal how long a prefix a guess got right; RFC 7518 §3.2 requires it for HS256 MACs.
public enum ConstantTime {
    /// Compares in time that depends only on the lengths, never on where the bytes differ.
    public static func equals(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(a, b) {
            difference |= x ^ y
        }
        return difference == 0
    }

    /// Compares in time that depends only on the lengths, never on where the bytes differ.
    public static func equals(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in 0..<a.count {
            difference |= a[index] ^ b[index]
        }
        return difference == 0
    }
}
