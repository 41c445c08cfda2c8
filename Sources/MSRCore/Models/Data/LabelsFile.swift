import FoundationEssentials
import Glibc

/// labels.json as msr-transform writes it: `{"classes": [...]}`, the genre of each code.
public enum LabelsFile {
    public static func read(_ path: String) throws -> [String] {
        let reader = JSONFileReader(path: path, remedy: "run msr-transform again")
        let classes = try reader.strings(try reader.object(what: "labels file")["classes"], at: "classes",
                                         what: "genre names", count: nil)
        guard classes.count >= 2 else {
            throw reader.fail("classes", "expected a list of at least 2 genre names, got \(classes.count)")
        }
        return classes
    }
}
