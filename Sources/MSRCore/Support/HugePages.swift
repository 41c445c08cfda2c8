import CMemory

/// Memory that rows are read from at random, backed by 2 MB pages where the kernel has them
/// (`msr_advise_huge_pages`): a million rows' bins, pairs and scores span tens of megabytes, and
/// with 4 KB pages nearly every scattered read also missed the TLB (msr-train at a million rows:
/// 3 to 6% less time). Nothing changes in what is computed.
enum HugePages {
    /// Advises `byteCount` bytes from `pointer`, not yet written.
    static func advise(_ pointer: UnsafeMutableRawPointer, byteCount: Int) {
        msr_advise_huge_pages(pointer, byteCount)
    }

    /// `count` copies of `value`, in memory advised before it is first written.
    static func array<Element: BitwiseCopyable>(repeating value: Element, count: Int) -> [Element] {
        Array(unsafeUninitializedCapacity: count) { buffer, initialized in
            if let base = buffer.baseAddress {
                advise(base, byteCount: count * MemoryLayout<Element>.stride)
                base.initialize(repeating: value, count: count)
            }
            initialized = count
        }
    }
}
