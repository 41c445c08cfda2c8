import CLibYAML

/// Caps what aliases may expand to before a document is built into `YAMLNode`s.
///
/// libyaml keeps an alias as a second reference to its anchor's node, so a few hundred bytes can
/// describe a tree of billions of nodes (`a: &a [x, x]`, `b: &b [*a, *a]`, ...: the "billion
/// laughs"). Expanded sizes are counted on the graph first (each node once, memoised), and a
/// document that would expand beyond `maxNodes` is refused, naming the alias that costs most.
enum AliasBudget {
    /// More nodes than any config, params or schema file needs by far.
    static let maxNodes = 100_000

    static func check(document: UnsafeMutablePointer<yaml_document_t>, source: UnsafeBufferPointer<UInt8>,
                      file: String) throws {
        let start = document.pointee.nodes.start!, count = document.pointee.nodes.top - start
        // Nodes are numbered from 1; a child can only be a node libyaml made earlier or later,
        // so sizes are computed depth-first, capped so that no sum overflows.
        var sizes = [Int](repeating: -1, count: count + 1)
        var references = [Int](repeating: 0, count: count + 1)
        func children(_ index: Int) -> [Int] {
            let node = start[index - 1]
            var result: [Int] = []
            switch node.type {
            case YAML_SEQUENCE_NODE:
                var item = node.data.sequence.items.start
                while let current = item, current < node.data.sequence.items.top {
                    result.append(Int(current.pointee))
                    item = current + 1
                }
            case YAML_MAPPING_NODE:
                var pair = node.data.mapping.pairs.start
                while let current = pair, current < node.data.mapping.pairs.top {
                    result.append(Int(current.pointee.key))
                    result.append(Int(current.pointee.value))
                    pair = current + 1
                }
            default:
                break
            }
            return result.filter { $0 >= 1 && $0 <= count }
        }
        func size(_ index: Int, depth: Int) -> Int {
            if sizes[index] >= 0 { return sizes[index] }
            // Deeper than the builder allows: it reports the nesting itself.
            guard depth < 128 else { return 1 }
            sizes[index] = maxNodes + 1 // a cycle counts as too large
            var total = 1
            for child in children(index) {
                total = min(total + size(child, depth: depth + 1), maxNodes + 1)
            }
            sizes[index] = total
            return total
        }
        guard size(1, depth: 0) > maxNodes else { return }
        for index in 1...count { for child in children(index) { references[child] += 1 } }
        // The aliased node whose copies cost most.
        var worst = 1, worstCost = 0
        for index in 1...count where references[index] > 1 && sizes[index] >= 0 {
            let cost = sizes[index] * references[index]
            if cost > worstCost { (worst, worstCost) = (index, cost) }
        }
        guard worstCost > 0 else {
            throw MSRError.badData(file: file, "more than \(maxNodes) nodes: far more than any config, params or schema "
                                   + "file needs")
        }
        let mark = start[worst - 1].start_mark
        throw MSRError.badData(file: file, line: Int(mark.line) + 1, column: Int(mark.column) + 1,
                               "\(anchorName(at: Int(mark.index), in: source).map { "alias *\($0)" } ?? "an alias") "
                               + "makes the document expand beyond \(maxNodes) nodes (an alias bomb?); "
                               + "write the values out or use fewer nested aliases")
    }

    /// The anchor written at `offset` (`&name`), if the node starts with one.
    static func anchorName(at offset: Int, in source: UnsafeBufferPointer<UInt8>) -> String? {
        guard offset < source.count, source[offset] == UInt8(ascii: "&") else { return nil }
        var end = offset + 1
        while end < source.count, ![UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"),
                                    UInt8(ascii: ","), UInt8(ascii: "]"), UInt8(ascii: "}")].contains(source[end]) { end += 1 }
        return String(decoding: UnsafeBufferPointer(rebasing: source[(offset + 1)..<end]), as: UTF8.self)
    }
}
