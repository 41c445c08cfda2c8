import CLibYAML
import FoundationEssentials
import Glibc

/// Loads YAML text into `YAMLNode`s through the system libyaml.
///
/// Anchors and aliases are resolved by libyaml's document loader; merge keys (`<<: *base`) are
/// applied here, keys already present winning as YAML 1.1 says. Duplicate keys are errors.
public enum YAMLLoader {
    /// Loads the first document of the file at `path`; `nil` when the file holds no document.
    ///
    /// Errors name the file as given, with libyaml's line and column.
    public static func load(path: String) throws -> YAMLNode? {
        try parse(try FileBytes.read(path, what: "YAML file"), file: path)
    }

    /// Parses YAML text; `file` is the name used in error messages.
    public static func parse(_ bytes: [UInt8], file: String) throws -> YAMLNode? {
        let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        let document = UnsafeMutablePointer<yaml_document_t>.allocate(capacity: 1)
        defer {
            parser.deallocate()
            document.deallocate()
        }
        guard yaml_parser_initialize(parser) != 0 else {
            throw MSRError(.io, "\(file): libyaml could not allocate a parser")
        }
        defer { yaml_parser_delete(parser) }

        return try bytes.withUnsafeBufferPointer { buffer -> YAMLNode? in
            yaml_parser_set_input_string(parser, buffer.baseAddress, buffer.count)
            guard yaml_parser_load(parser, document) != 0 else {
                let problem = parser.pointee.problem.map { String(cString: $0) } ?? "malformed YAML"
                let mark = parser.pointee.problem_mark
                var message = problem
                if let context = parser.pointee.context {
                    message = "\(String(cString: context)): \(problem)"
                }
                var (line, column) = (Int(mark.line) + 1, Int(mark.column) + 1)
                if parser.pointee.error == YAML_READER_ERROR {
                    // The reader (bad UTF-8, a control character such as NUL) sets a byte offset,
                    // not a mark: the line and column are counted here.
                    (line, column) = position(of: Int(parser.pointee.problem_offset), in: buffer)
                    if parser.pointee.problem_value >= 0 { message += " (#x\(String(parser.pointee.problem_value, radix: 16)))" }
                }
                throw MSRError.badData(file: file, line: line, column: column, message)
            }
            defer { yaml_document_delete(document) }
            guard let root = yaml_document_get_root_node(document) else { return nil }
            try AliasBudget.check(document: document, source: buffer, file: file)
            let builder = Builder(document: document, file: file)
            return try builder.node(root, depth: 0)
        }
    }

    /// The 1-based line and column (in characters) of the byte at `offset`.
    private static func position(of offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> (line: Int, column: Int) {
        var line = 1, column = 1
        for byte in bytes.prefix(max(0, offset)) {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return (line, column)
    }

    private struct Builder {
        let document: UnsafeMutablePointer<yaml_document_t>
        let file: String
        static let maxDepth = 64

        func node(at index: Int32, depth: Int) throws -> YAMLNode {
            guard let pointer = yaml_document_get_node(document, index) else {
                throw MSRError.badData(file: file, "libyaml returned a dangling node")
            }
            return try node(pointer, depth: depth)
        }

        func node(_ pointer: UnsafeMutablePointer<yaml_node_t>, depth: Int) throws -> YAMLNode {
            let raw = pointer.pointee
            let line = Int(raw.start_mark.line) + 1
            let column = Int(raw.start_mark.column) + 1
            guard depth < Self.maxDepth else {
                throw MSRError.badData(file: file, line: line, column: column,
                                       "nesting deeper than \(Self.maxDepth) levels (a recursive alias?)")
            }
            switch raw.type {
            case YAML_SCALAR_NODE:
                let scalar = raw.data.scalar
                let text = String(decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length),
                                  as: UTF8.self)
                return YAMLNode(.scalar(text, plain: scalar.style == YAML_PLAIN_SCALAR_STYLE),
                                line: line, column: column)
            case YAML_SEQUENCE_NODE:
                var items: [YAMLNode] = []
                var item = raw.data.sequence.items.start
                while let current = item, current < raw.data.sequence.items.top {
                    items.append(try node(at: current.pointee, depth: depth + 1))
                    item = current + 1
                }
                return YAMLNode(.sequence(items), line: line, column: column)
            case YAML_MAPPING_NODE:
                var pairs: [(key: YAMLNode, value: YAMLNode)] = []
                var merged: [(key: YAMLNode, value: YAMLNode)] = []
                var pair = raw.data.mapping.pairs.start
                while let current = pair, current < raw.data.mapping.pairs.top {
                    let key = try node(at: current.pointee.key, depth: depth + 1)
                    let value = try node(at: current.pointee.value, depth: depth + 1)
                    if case .scalar("<<", plain: true) = key.content {
                        merged += try mergeSources(value)
                    } else {
                        if let keyText = key.scalarText, pairs.contains(where: { $0.key.scalarText == keyText }) {
                            throw MSRError.badData(file: file, line: key.line, column: key.column,
                                                   "duplicate key '\(keyText)'")
                        }
                        pairs.append((key, value))
                    }
                    pair = current + 1
                }
                for entry in merged where !pairs.contains(where: { $0.key.scalarText == entry.key.scalarText }) {
                    pairs.append(entry)
                }
                return YAMLNode(.mapping(pairs), line: line, column: column)
            default:
                return YAMLNode(.scalar("", plain: true), line: line, column: column)
            }
        }

        /// The pairs a merge key brings: one mapping, or a list of them (earlier ones win).
        func mergeSources(_ value: YAMLNode) throws -> [(key: YAMLNode, value: YAMLNode)] {
            switch value.content {
            case .mapping(let pairs):
                return pairs
            case .sequence(let items):
                var result: [(key: YAMLNode, value: YAMLNode)] = []
                for item in items {
                    guard case .mapping(let pairs) = item.content else {
                        throw MSRError.badData(file: file, line: item.line, column: item.column,
                                               "a merge key (<<) takes mappings, got \(item.shortDescription)")
                    }
                    for entry in pairs where !result.contains(where: { $0.key.scalarText == entry.key.scalarText }) {
                        result.append(entry)
                    }
                }
                return result
            case .scalar:
                throw MSRError.badData(file: file, line: value.line, column: value.column,
                                       "a merge key (<<) takes a mapping, got \(value.shortDescription)")
            }
        }
    }
}

extension YAMLNode {
    /// The text of a scalar node, `nil` for collections.
    public var scalarText: String? {
        if case .scalar(let text, _) = content { return text }
        return nil
    }
}
