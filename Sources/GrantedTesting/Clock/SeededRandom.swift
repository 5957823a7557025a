import Granted
import Synchronization

/// A `RandomSource` that answers the same bytes for the same seed: tokens, codes and ids become
/// reproducible, so a failing run replays exactly. Never for a server that issues real tokens.
public final class SeededRandom: RandomSource {
    private let generator: Mutex<SplitMix64>

    public init(seed: UInt64) { generator = Mutex(SplitMix64(seed: seed)) }

    public func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        generator.withLock { generator in
            var index = 0
            while index < buffer.count {
                var word = generator.next()
                for _ in 0..<min(8, buffer.count - index) {
                    buffer[index] = UInt8(truncatingIfNeeded: word)
                    word >>= 8
                    index += 1
                }
            }
        }
    }
}
