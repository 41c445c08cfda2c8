extension Array where Element: Comparable {
    /// The distinct elements, in increasing order: `Array(Set(self)).sorted()` without hashing
    /// (a request's few playlist rows).
    func sortedUnique() -> [Element] {
        sorted().reduce(into: []) { if $0.last != $1 { $0.append($1) } }
    }
}
