import LoupeStore
import Testing

/// The embedded cluster's settings follow the memory it may use, within PostgreSQL's sane bounds.
@Suite struct EmbeddedTuningTests {
    @Test(arguments: [(UInt64(1) << 30, UInt64(256)), (UInt64(256) << 20, UInt64(128)), (UInt64(24) << 30, UInt64(6144)),
                      (UInt64(256) << 30, UInt64(8192))])
    func sharedBuffersAreAQuarterOfMemoryWithinBounds(memory: UInt64, expectedMB: UInt64) {
        let tuning = EmbeddedTuning(memoryBytes: memory)
        #expect(tuning.sharedBuffersMB == expectedMB)
        #expect(tuning.settings.contains("shared_buffers = \(expectedMB)MB"))
    }
}
