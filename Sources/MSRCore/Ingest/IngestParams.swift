/// `ingest`: which genres the song base keeps. The key is declared once, in `fields`.
public struct IngestParams: ParamsSection {
    /// `genres`, see `fields`.
    public var genres: [String]

    public init(genres: [String]) {
        self.genres = genres
    }

    /// The reference project's ten genres.
    public init() {
        self.init(genres: ["alternative", "classical", "country", "edm", "hip-hop", "jazz", "latin", "pop", "r-n-b", "rock"])
    }

    public static let name = "ingest"
    public static let summary = "the genres the song base keeps"

    /// The keys in reading order.
    public static let fields: [ParamField<IngestParams>] = [
        ParamField("genres", .distinctStrings(minCount: 2), required: true,
                   doc: "The genres kept, as named in the dataset's genre column; their sorted order gives the labels.",
                   read: { section, value in section.genres = try readGenres(value) },
                   text: { YAMLText.flowList($0.genres) }),
    ]

    /// At least two strings, none twice.
    private static func readGenres(_ value: ConfigValue) throws -> [String] {
        var genres: [String] = []
        for item in try value.list() {
            let genre = try item.string()
            guard !genres.contains(genre) else { throw item.error("genre '\(genre)' is listed twice") }
            genres.append(genre)
        }
        guard genres.count >= 2 else {
            throw value.error("expected at least two genres, got \(genres.count)")
        }
        return genres
    }
}
