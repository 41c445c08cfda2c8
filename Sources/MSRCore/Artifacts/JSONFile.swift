/// Reads a JSON object from a file, with msr's errors; numbers read back exactly (JSONParser).
public enum JSONFile {
    public static func read(_ path: String, what: String) throws -> [String: Any] {
        let bytes = try FileBytes.read(path, what: what)
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch let error as JSONParser.ParseError {
            throw MSRError.badData(file: path, "not valid JSON (\(error.message))")
        }
        guard case .object = value, let object = value.foundationValue as? [String: Any] else {
            throw MSRError.badData(file: path, "expected a JSON object")
        }
        return object
    }
}
