/// The type and range of a params.yaml key: what the reader accepts, what its refusal says, what
/// the documentation and a form show.
public enum ParamKind: Sendable, Equatable {
    /// A plain whole number within the bounds (`nil`: unbounded on that side).
    case int(min: Int?, max: Int?)
    /// A plain finite number within the bounds; the `exclusive` flags make them strict.
    case number(min: Double?, max: Double?, exclusiveMin: Bool, exclusiveMax: Bool)
    /// `true` or `false`.
    case bool
    /// One of these strings.
    case choice([String])
    /// One whole number in `min...max` for every genre, or a list of them, one per genre in label
    /// order.
    case intPerGenre(min: Int, max: Int)
    /// A list of at least `minCount` strings, none twice.
    case distinctStrings(minCount: Int)

    /// A whole number in `range`.
    public static func int(_ range: ClosedRange<Int>) -> ParamKind {
        .int(min: range.lowerBound, max: range.upperBound)
    }

    /// What a value must be, as the refusal says it: "an integer in [1, 64]", "a number > 0".
    public var expected: String {
        switch self {
        case let .int(min, max):
            return Self.describe("an integer", min: min.map(String.init), max: max.map(String.init))
        case let .number(min, max, exclusiveMin, exclusiveMax):
            return Self.describe("a number", min: min.map(NumberFormat.compact), max: max.map(NumberFormat.compact),
                                        exclusiveMin: exclusiveMin, exclusiveMax: exclusiveMax)
        case .bool:
            return "true or false"
        case .choice(let options):
            return "one of \(options.joined(separator: ", "))"
        case let .intPerGenre(min, max):
            return "\(ParamKind.int(min: min, max: max).expected), or a list of them (one per genre)"
        case .distinctStrings(let minCount):
            return "a list of at least \(minCount) distinct strings"
        }
    }

    /// "an integer >= 1", "a number in (0, 1)", "a number in [0, 1]".
    static func describe(_ kind: String, min: String?, max: String?,
                         exclusiveMin: Bool = false, exclusiveMax: Bool = false) -> String {
        switch (min, max) {
        case let (min?, max?):
            return "\(kind) in \(exclusiveMin ? "(" : "[")\(min), \(max)\(exclusiveMax ? ")" : "]")"
        case let (min?, nil): return "\(kind) \(exclusiveMin ? ">" : ">=") \(min)"
        case let (nil, max?): return "\(kind) \(exclusiveMax ? "<" : "<=") \(max)"
        case (nil, nil): return kind
        }
    }
}
