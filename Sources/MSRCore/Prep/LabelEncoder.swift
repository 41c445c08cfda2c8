/// Genre names to class indices as scikit-learn's `LabelEncoder` does: the sorted distinct names
/// are the classes, a name's code is its index among them.
public struct LabelEncoder: Sendable, Equatable {
    /// The class names, sorted; the code of `classes[k]` is `k`.
    public let classes: [String]

    /// Fits on the names present.
    public init<S: Sequence>(fitting names: S) where S.Element == String {
        classes = Array(Set(names)).sorted()
    }

    public init(classes: [String]) {
        self.classes = classes
    }

    /// The code of each row of a category column, through a table from its names to classes.
    public func encode(_ column: CategoryColumn) -> [Int32] {
        let codeOfName: [Int32] = column.names.map { name in Int32(classes.firstIndex(of: name) ?? -1) }
        return column.codes.map { codeOfName[Int($0)] }
    }

    /// labels.json: the classes in code order.
    public var json: JSONValue {
        .object(["classes": .array(classes.map(JSONValue.string))])
    }
}
