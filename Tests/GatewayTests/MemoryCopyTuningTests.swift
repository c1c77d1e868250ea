import Gateway
import Testing

/// What `tracegate serve` restarts itself with (the real restart: IntegrationTests'
/// MemoryCopyTuningTests).
struct MemoryCopyTuningTests {
    static let setting = "glibc.cpu.x86_rep_movsb_threshold=1073741824"

    @Test func withoutTunablesOnlyTheThresholdIsSet() {
        #expect(MemoryCopyTuning.tunables(adding: nil) == Self.setting)
        #expect(MemoryCopyTuning.tunables(adding: "") == Self.setting)
    }

    @Test func anOperatorsOtherTunablesAreKept() {
        #expect(MemoryCopyTuning.tunables(adding: "glibc.malloc.arena_max=4") == "glibc.malloc.arena_max=4:" + Self.setting)
    }

    /// An operator's own threshold wins, and the restarted process finds its setting and
    /// does not restart again.
    @Test func aThresholdAlreadySetMeansNoRestart() {
        #expect(MemoryCopyTuning.tunables(adding: "glibc.cpu.x86_rep_movsb_threshold=4096") == nil)
        #expect(MemoryCopyTuning.tunables(adding: "glibc.malloc.arena_max=4:" + Self.setting) == nil)
    }
}
