extension XMLStreamLimits {
    /// Limits small enough that a few hundred bytes of input reach every one of them.
    ///
    /// The fuzz target (`make fuzz`) reads each input under these and under the defaults, and the
    /// fuzz-regression test replays the fuzzer's findings under exactly the same two profiles: one
    /// definition, so that a finding is replayed as it was found.
    public static var tiny: XMLStreamLimits {
        var limits = XMLStreamLimits()
        limits.maxDepth = 6
        limits.maxTextNodeBytes = 40
        limits.maxAttributesPerElement = 4
        limits.maxRecords = 3
        limits.maxContextBytes = 600
        limits.maxRecordBytes = 800
        limits.maxBytes = 3000
        limits.maxMarkupBytes = 200
        return limits
    }
}
