/// A value made on its first use, once, whichever thread asks first (the others wait): for
/// what a one-shot process may never need and a long-running one needs again and again.
final class Lazily<Value: Sendable>: @unchecked Sendable {
    private let lock = Lock()
    private var made: Value?
    private let make: @Sendable () -> Value

    init(_ make: @escaping @Sendable () -> Value) {
        self.make = make
    }

    /// The value, made now if it was not yet.
    var value: Value {
        lock.withLock {
            if let made { return made }
            let value = make()
            made = value
            return value
        }
    }
}
