import Foundation

/// labels.json as msr-transform writes it: `{"classes": [...]}`, the genre of each code.
public enum LabelsFile {
    public static func read(_ path: String) throws -> [String] {
        let object = try JSONFile.read(path, what: "labels file")
        guard let classes = object["classes"] as? [String], classes.count >= 2 else {
            throw MSRError.badData(file: path, "expected {\"classes\": [at least two genre names]}")
        }
        return classes
    }
}
