/// schema.yaml: the song base's columns, in order, with their types and bounds.
///
/// The identifier and target columns are strings; every other column is a feature, numeric.
/// Descriptive columns (`descriptive:`, the Kaggle dataset's `track_name`, `artists` and
/// `album_name`) are text carried beside them, never features, and optional: a song base has
/// them when its dataset had them.
public struct Schema: Sendable, Equatable {
    /// A column's type, named as pandas names dtypes.
    public enum ColumnType: String, Sendable, Equatable {
        case string = "str"
        case float64
        case int64
    }

    /// One column: its name, type and optional inclusive bounds.
    public struct Column: Sendable, Equatable {
        public var name: String
        public var type: ColumnType
        public var min: Double?
        public var max: Double?

        public init(name: String, type: ColumnType, min: Double? = nil, max: Double? = nil) {
            self.name = name
            self.type = type
            self.min = min
            self.max = max
        }
    }

    /// Every column, in the order the song base has them.
    public var columns: [Column]
    /// The unique track identifier column (`uri`).
    public var id: String
    /// The label column (`genre`).
    public var target: String
    /// Text columns describing a song (its name, artists, album), in the order the song base
    /// has them after the features: not features, and each optional (absent from a dataset
    /// that lacks it).
    public var descriptive: [String]

    public init(columns: [Column], id: String, target: String, descriptive: [String] = []) {
        self.columns = columns
        self.id = id
        self.target = target
        self.descriptive = descriptive
    }

    /// The numeric columns, in order: what the models read.
    public var features: [Column] {
        columns.filter { $0.name != id && $0.name != target }
    }

    /// Loads and checks schema.yaml.
    public static func load(path: String) throws -> Schema {
        var root = try ConfigValue.load(path: path).mapping()
        let columnsValue = try root.required("columns")
        var columnsMap = try columnsValue.mapping()
        var columns: [Column] = []
        for name in columnsMap.keys {
            let value = try columnsMap.required(name)
            var spec = try value.mapping()
            let typeValue = try spec.required("type")
            let typeName = try typeValue.string()
            guard let type = ColumnType(rawValue: typeName) else {
                throw typeValue.expected("one of str, float64, int64")
            }
            let min = try spec.optional("min")?.double()
            let max = try spec.optional("max")?.double()
            if type == .string, min != nil || max != nil {
                throw value.error("a str column takes no min or max")
            }
            if let min, let max, min > max { throw value.error("min \(min) is above max \(max)") }
            try spec.finish()
            columns.append(Column(name: name, type: type, min: min, max: max))
        }
        try columnsMap.finish()
        let idValue = try root.required("id")
        let targetValue = try root.required("target")
        var descriptive: [String] = []
        if let listValue = try root.optional("descriptive") {
            for item in try listValue.list() {
                let name = try item.string()
                if columns.contains(where: { $0.name == name }) {
                    throw item.error("'\(name)' is one of the columns: a descriptive column is text beside them")
                }
                if descriptive.contains(name) { throw item.error("'\(name)' is listed twice") }
                descriptive.append(name)
            }
        }
        let schema = Schema(columns: columns, id: try idValue.string(), target: try targetValue.string(),
                            descriptive: descriptive)
        try root.finish()

        for (value, name) in [(idValue, schema.id), (targetValue, schema.target)] {
            guard let column = columns.first(where: { $0.name == name }) else {
                throw value.error("'\(name)' is not one of the columns")
            }
            guard column.type == .string else { throw value.error("column '\(name)' must have type str") }
        }
        if let bad = schema.features.first(where: { $0.type == .string }) {
            throw columnsValue.error("feature column '\(bad.name)' must be float64 or int64")
        }
        guard !schema.features.isEmpty else { throw columnsValue.error("expected at least one feature column") }
        return schema
    }
}
