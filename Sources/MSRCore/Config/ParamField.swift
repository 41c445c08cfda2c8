/// One key of a params.yaml section, declared once: its name, type and range, whether the file
/// must give it, what it sets, how its value is read into the section and written back as text.
///
/// A section's `fields` feed its reader (`ParamsSection.init(_:)`), the MLflow params, the
/// README's table of the section and the test holding dvc.yaml to the keys each stage reads.
/// The default is not declared here but read off `Section()`, so it too is stated once.
public struct ParamField<Section: ParamsSection>: Sendable {
    /// The key in params.yaml (`learning_rate`).
    public let key: String
    /// What the key sets, in one line.
    public let doc: String
    /// The type and range a value must have.
    public let kind: ParamKind
    /// Whether params.yaml must give the key; an optional key that is absent (or null) keeps the
    /// default.
    public let isRequired: Bool
    private let access: Access

    /// How the key's value goes into a section and back out as text.
    private struct Access: Sendable {
        let read: @Sendable (inout Section, ConfigValue) throws -> Void
        let whenAbsent: (@Sendable (inout Section) -> Void)?
        let text: @Sendable (Section) -> String
    }

    /// A key read and written by the given closures, for keys the typed constructors (`int`,
    /// `number`, `seed`, `bool`, `choice`) do not fit.
    ///
    /// - Parameters:
    ///   - read: sets the section from the key's value, refusing a bad value with `ConfigValue`'s
    ///     errors (they name the file, line, column and key path).
    ///   - whenAbsent: adjusts the section when an optional key is absent; `nil` keeps the default.
    ///   - text: the section's value of the key as params.yaml writes it, which `read` reads back.
    public init(_ key: String, _ kind: ParamKind, required: Bool = false, doc: String,
                read: @escaping @Sendable (inout Section, ConfigValue) throws -> Void,
                whenAbsent: (@Sendable (inout Section) -> Void)? = nil,
                text: @escaping @Sendable (Section) -> String) {
        (self.key, self.doc, self.kind, isRequired) = (key, doc, kind, required)
        access = Access(read: read, whenAbsent: whenAbsent, text: text)
    }

    /// The key's value in `section`, as params.yaml writes it (`0.008`, `[pop, rock]`).
    public func value(in section: Section) -> String {
        access.text(section)
    }

    /// The default value (`Section()`'s), as params.yaml writes it.
    public var defaultValue: String {
        access.text(Section())
    }

    /// Reads the key from `mapping` into `section`: a required key's absence is an error at the
    /// mapping, an optional one's keeps the default.
    func read(into section: inout Section, from mapping: inout ConfigMapping) throws {
        if let value = isRequired ? try mapping.required(key) : mapping.optional(key) {
            try access.read(&section, value)
        } else {
            access.whenAbsent?(&section)
        }
    }
}

extension ParamField {
    /// A whole number in `range`.
    public static func int(_ key: String, _ get: @escaping @Sendable (Section) -> Int,
                           _ set: @escaping @Sendable (inout Section, Int) -> Void, _ range: ClosedRange<Int>,
                           required: Bool = false, doc: String) -> ParamField {
        ParamField(key, .int(range), required: required, doc: doc,
                   read: { set(&$0, try $1.int(min: range.lowerBound, max: range.upperBound)) },
                   text: { "\(get($0))" })
    }

    /// A seed: a whole number, at least 0.
    public static func seed(_ key: String, _ get: @escaping @Sendable (Section) -> UInt64,
                            _ set: @escaping @Sendable (inout Section, UInt64) -> Void,
                            required: Bool = false, doc: String) -> ParamField {
        ParamField(key, .int(min: 0, max: nil), required: required, doc: doc,
                   read: { set(&$0, UInt64(try $1.int(min: 0))) },
                   text: { "\(get($0))" })
    }

    /// A finite number within the bounds (`nil`: unbounded), strict where `exclusive` says so.
    public static func number(_ key: String, _ get: @escaping @Sendable (Section) -> Double,
                              _ set: @escaping @Sendable (inout Section, Double) -> Void,
                              min: Double? = nil, max: Double? = nil, exclusiveMin: Bool = false, exclusiveMax: Bool = false,
                              required: Bool = false, doc: String) -> ParamField {
        ParamField(key, .number(min: min, max: max, exclusiveMin: exclusiveMin, exclusiveMax: exclusiveMax),
                   required: required, doc: doc,
                   read: { set(&$0, try $1.double(min: min, max: max, exclusiveMin: exclusiveMin, exclusiveMax: exclusiveMax)) },
                   text: { "\(get($0))" })
    }

    /// `true` or `false`.
    public static func bool(_ key: String, _ get: @escaping @Sendable (Section) -> Bool,
                            _ set: @escaping @Sendable (inout Section, Bool) -> Void,
                            required: Bool = false, doc: String) -> ParamField {
        ParamField(key, .bool, required: required, doc: doc,
                   read: { set(&$0, try $1.bool()) },
                   text: { "\(get($0))" })
    }

    /// One of an enumeration's raw values, in declaration order.
    public static func choice<Value: RawRepresentable & CaseIterable & Sendable>(
        _ key: String, _ get: @escaping @Sendable (Section) -> Value, _ set: @escaping @Sendable (inout Section, Value) -> Void,
        required: Bool = false, doc: String
    ) -> ParamField where Value.RawValue == String {
        let kind = ParamKind.choice(Value.allCases.map { $0.rawValue })
        return ParamField(key, kind, required: required, doc: doc,
                          read: { section, value in
                              guard let choice = Value(rawValue: try value.string()) else { throw value.expected(kind.expected) }
                              set(&section, choice)
                          },
                          text: { get($0).rawValue })
    }
}
