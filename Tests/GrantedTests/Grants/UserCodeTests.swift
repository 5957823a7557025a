import Testing

@testable import Granted
import GrantedTesting

@Suite("User codes (RFC 8628 §6.1)")
struct UserCodeTests {
    @Test(
        "entries normalise to the 8 upper-case letters, ignoring case, spaces and dashes",
        arguments: ["BCDF-GHJK", "bcdfghjk", "bcdf ghjk", " B-C-D-F-G-H-J-K ", "bCdF\tgHjK"])
    func normalize(input: String) {
        #expect(UserCode.normalize(input) == Array("BCDFGHJK".utf8))
    }

    @Test(
        "anything else is no user code",
        arguments: ["", "BCDFGHJ", "BCDFGHJKL", "BCDFGHJA", "BCDF_GHJK", "BCDFGHJ1", "ßCDFGHJK", "BCDFGHJK\u{0}"])
    func notACode(input: String) {
        #expect(UserCode.normalize(input) == nil)
    }

    @Test("a minted code uses every letter of the alphabet and nothing else", arguments: [UInt64(1), 2, 3])
    func mint(seed: UInt64) {
        let random = SeededRandom(seed: seed)
        var seen = Set<Character>()
        for _ in 0..<200 {
            let code = UserCode.mint(using: random)
            #expect(code.count == 9)
            #expect(UserCode.normalize(code).map(UserCode.display) == code)
            seen.formUnion(code.filter { $0 != "-" })
        }
        #expect(seen == Set("BCDFGHJKLMNPQRSTVWXZ"))
    }

    @Test("the lookup digest covers the first six letters, the check all eight, both keyed")
    func digests() {
        let key = ServerKey(random: SeededRandom(seed: 7))
        let other = ServerKey(random: SeededRandom(seed: 8))
        let a = key.userCodeDigests(Array("BCDFGHJK".utf8))
        let b = key.userCodeDigests(Array("BCDFGHZZ".utf8))
        #expect(a.lookup == b.lookup)
        #expect(a.check != b.check)
        #expect(a.lookup != a.check)
        #expect(other.userCodeDigests(Array("BCDFGHJK".utf8)).check != a.check)
    }
}
