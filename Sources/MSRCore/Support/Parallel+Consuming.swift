import Dispatch

extension Parallel {
    /// `body(k, &items[k])` for every item, run concurrently, each task owning its item alone:
    /// `items` is emptied first, so a task may take its item apart and free it as it goes
    /// (joining a column's pieces, each released once copied). The results in item order.
    public static func mapConsuming<T, R>(_ items: inout [T], _ body: @Sendable (Int, inout T) -> R) -> [R] {
        let count = items.count
        let slots = Slots<T>(count: count)
        for k in 0..<count { (slots.base + k).initialize(to: items[k]) }
        items = []
        defer { slots.base.deinitialize(count: count).deallocate() }
        return map(count) { k in body(k, &slots.base[k]) }
    }

    /// The items handed to `mapConsuming`'s tasks; each task touches only its own slot.
    private struct Slots<T>: @unchecked Sendable {
        let base: UnsafeMutablePointer<T>

        init(count: Int) { base = .allocate(capacity: Swift.max(count, 1)) }
    }
}
