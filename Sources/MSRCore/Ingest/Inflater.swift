/// A raw DEFLATE (RFC 1951) decoder for zip entries: the whole compressed stream in memory, the
/// output handed on a chunk at a time.
///
/// zlib's `inflate` checks, in zlib's order and with its verdicts (over-subscribed and
/// incomplete codes, a missing end-of-block code, lengths and distances beyond the codes,
/// a distance beyond the data written), on zlib's two-level tables; the decoding loop is
/// libdeflate's: a 64-bit bit buffer refilled with one unaligned load, a table entry a symbol,
/// matches copied eight bytes at a time. About twice zlib's speed on a CSV (it was the ingest's
/// slowest thread). Every read is within the input and every write within the output buffer:
/// a stream that runs past its end is `truncated`, any other damage `invalid`.
public enum Inflater {
    /// Why a stream cannot be inflated.
    public enum Failure: Error, Equatable {
        /// The stream needs bits past the end of the input.
        case truncated
        /// The stream breaks the format (`reason` as zlib words it).
        case invalid(String)
        /// The stream ended before the input did: `unused` bytes follow it.
        case trailing(unused: Int)
    }

    /// Inflates the raw deflate stream `input`, which must end exactly at its last byte, handing
    /// the output to `consume` in chunks of about `chunkSize` bytes (the last one shorter).
    public static func inflate(_ input: UnsafeRawBufferPointer, chunkSize: Int = 1 << 20,
                        into consume: (UnsafeRawBufferPointer) throws -> Void) throws {
        var state = try State(input: input, chunkSize: chunkSize)
        defer { state.deallocate() }
        try state.run(consume)
    }

    /// Base values and extra bits of the length symbols 257...285 and the distance symbols 0...29.
    private static let lengthBase: [UInt16] = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59,
                                               67, 83, 99, 115, 131, 163, 195, 227, 258]
    private static let lengthExtra: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4,
                                               5, 5, 5, 5, 0]
    private static let distanceBase: [UInt16] = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385,
                                                 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
    private static let distanceExtra: [UInt8] = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10,
                                                 10, 11, 11, 12, 12, 13, 13]
    /// The order the code-length code's lengths come in.
    private static let codeLengthOrder: [Int] = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    /// A table entry, zlib's `code`: `op` 0 a literal (`value`), 16 + n a base `value` with n extra
    /// bits, 1...15 a link to a subtable of 2^op entries at `value`, 32 + 64 the end of the block,
    /// 64 an invalid code; `bits` the code's length (within its table).
    struct Entry {
        var op: UInt8
        var bits: UInt8
        var value: UInt16
    }

    /// Which alphabet a table decodes.
    enum Alphabet {
        case codeLengths, literalsAndLengths, distances

        /// The table's first level, in bits, and the most entries its two levels can take (zlib's
        /// `ENOUGH` for these roots, rounded up).
        var root: Int { self == .distances ? 8 : 10 }
        static let capacity = 2_048
    }

    /// Builds the table decoding the canonical code of `lengths` (zlib's `inflate_table`) into
    /// `table`; returns the root bits, or nil for an over-subscribed or incomplete code.
    static func buildTable(_ alphabet: Alphabet, lengths: UnsafePointer<UInt8>, count codes: Int,
                           into table: UnsafeMutablePointer<Entry>) -> Int? {
        var count = [Int](repeating: 0, count: 16)
        for symbol in 0..<codes { count[Int(lengths[symbol])] += 1 }
        var root = alphabet == .codeLengths ? 7 : alphabet.root
        var max = 15
        while max >= 1 && count[max] == 0 { max -= 1 }
        if root > max { root = max }
        if max == 0 {
            // No symbol at all: any code is invalid (a distance table no match uses).
            table[0] = Entry(op: 64, bits: 1, value: 0)
            table[1] = Entry(op: 64, bits: 1, value: 0)
            return 1
        }
        var min = 1
        while min < max && count[min] == 0 { min += 1 }
        if root < min { root = min }
        var left = 1
        for length in 1...15 {
            left <<= 1
            left -= count[length]
            if left < 0 { return nil }  // over-subscribed
        }
        if left > 0 && (alphabet == .codeLengths || max != 1) { return nil }  // incomplete
        // The symbols sorted by length, then by value.
        var offsets = [Int](repeating: 0, count: 16)
        for length in 1..<15 { offsets[length + 1] = offsets[length] + count[length] }
        var sorted = [UInt16](repeating: 0, count: codes)
        for symbol in 0..<codes where lengths[symbol] != 0 {
            sorted[offsets[Int(lengths[symbol])]] = UInt16(symbol)
            offsets[Int(lengths[symbol])] += 1
        }
        var huff = 0, symbol = 0, length = min, next = 0, current = root, drop = 0, low = -1
        var used = 1 << root
        let mask = used - 1
        while true {
            let s = Int(sorted[symbol])
            var here = Entry(op: 0, bits: UInt8(length - drop), value: 0)
            switch alphabet {
            case .codeLengths:
                here.value = UInt16(s)
            case .literalsAndLengths:
                if s < 256 {
                    here.value = UInt16(s)
                } else if s == 256 {
                    here.op = 32 + 64
                } else if s - 257 < lengthBase.count {
                    here.op = 16 + lengthExtra[s - 257]
                    here.value = lengthBase[s - 257]
                } else {
                    here.op = 64  // 286 and 287: in the fixed code, never valid
                }
            case .distances:
                if s < distanceBase.count {
                    here.op = 16 + distanceExtra[s]
                    here.value = distanceBase[s]
                } else {
                    here.op = 64  // 30 and 31
                }
            }
            // Every index whose low `length - drop` bits are this code.
            let step = 1 << (length - drop)
            var fill = 1 << current
            let size = fill
            repeat {
                fill -= step
                table[next + (huff >> drop) + fill] = here
            } while fill != 0
            // The next code, incremented from its top bit down (the codes are read backwards).
            var increment = 1 << (length - 1)
            while huff & increment != 0 { increment >>= 1 }
            if increment != 0 {
                huff &= increment - 1
                huff += increment
            } else {
                huff = 0
            }
            symbol += 1
            count[length] -= 1
            if count[length] == 0 {
                if length == max { break }
                length = Int(lengths[Int(sorted[symbol])])
            }
            // A subtable for codes longer than the root that start with other root bits.
            if length > root && (huff & mask) != low {
                if drop == 0 { drop = root }
                next += size
                current = length - drop
                var room = 1 << current
                while current + drop < max {
                    room -= count[current + drop]
                    if room <= 0 { break }
                    current += 1
                    room <<= 1
                }
                used += 1 << current
                guard used <= Alphabet.capacity else { return nil }
                low = huff & mask
                table[low] = Entry(op: UInt8(current), bits: UInt8(root), value: UInt16(next))
            }
        }
        // An incomplete code (one code of one bit) leaves one entry: invalid.
        if huff != 0 { table[next + huff] = Entry(op: 64, bits: UInt8(length - drop), value: 0) }
        return root
    }

    /// The input as bits, least significant first: a 64-bit buffer refilled eight bytes at a
    /// time, zero bytes taken past the end (`padding`) so that decoding can look ahead. Its
    /// methods are all inlined, so that a block's loop keeps a copy of it in registers.
    private struct BitReader {
        private let start: UnsafePointer<UInt8>
        let end: UnsafePointer<UInt8>
        /// The next input byte not yet in `buffer`.
        var next: UnsafePointer<UInt8>
        private var padding = 0
        private var buffer: UInt64 = 0
        /// The bits of `buffer` not yet taken (above them it may hold the bytes at `next`).
        private(set) var count = 0

        init(_ input: UnsafeRawBufferPointer) {
            start = input.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? UnsafePointer(bitPattern: 1)!
            end = start + input.count
            next = start
        }

        /// Tops the buffer up to at least 56 bits: eight bytes at once away from the end, then
        /// byte by byte and zeros past it; throws once bits past the end were taken.
        @inline(__always)
        mutating func refill() throws {
            if end - next >= 8 {
                buffer |= UInt64(littleEndian: UnsafeRawPointer(next).loadUnaligned(as: UInt64.self)) &<< UInt64(count)
                next += (63 &- count) &>> 3
                count |= 56
                return
            }
            while count <= 56 {
                if next < end {
                    buffer |= UInt64(next.pointee) &<< UInt64(count)
                    next += 1
                } else {
                    padding += 1
                }
                count += 8
            }
            if ranPastEnd { throw Failure.truncated }
        }

        /// The buffer's next `count` bits (the caller has them there).
        @inline(__always)
        mutating func take(_ bits: Int) -> Int {
            let value = Int(truncatingIfNeeded: buffer & ((1 &<< UInt64(bits)) &- 1))
            buffer &>>= UInt64(bits)
            count &-= bits
            return value
        }

        /// Takes `bits` bits (at most 32), refilling first.
        @inline(__always)
        mutating func bits(_ bits: Int) throws -> Int {
            if count < bits { try refill() }
            return take(bits)
        }

        /// The next code of `table` (through its subtable when it has one), its bits taken.
        @inline(__always)
        mutating func decode(_ table: UnsafeMutablePointer<Entry>, mask: Int) -> Entry {
            var here = table[Int(truncatingIfNeeded: buffer) & mask]
            if here.op != 0 && here.op & 0xF0 == 0 {
                let link = Int(here.value), width = Int(here.op)
                _ = take(Int(here.bits))
                here = table[link &+ (Int(truncatingIfNeeded: buffer) & ((1 &<< width) &- 1))]
            }
            _ = take(Int(here.bits))
            return here
        }

        /// Drops the bits left of the current byte.
        @inline(__always)
        mutating func alignToByte() { _ = take(count & 7) }

        /// Forgets the bytes read ahead once every bit counted is taken, before `next` is read
        /// directly (a stored block's bytes).
        @inline(__always)
        mutating func dropReadAhead() { if count == 0 { buffer = 0 } }

        /// Whether bits past the input's end were taken: the stream is truncated.
        var ranPastEnd: Bool { padding * 8 > count }

        /// The input bytes consumed, the partial byte's bits dropped.
        var consumed: Int { (next - start) + padding - count / 8 }

        /// The input's length.
        var length: Int { end - start }

        /// The failure for damage found with the bits taken so far: the stream is truncated when
        /// they ran past its end (zlib would have waited for more), else invalid for `reason`.
        func damaged(_ reason: String) -> Failure { ranPastEnd ? .truncated : .invalid(reason) }
    }

    /// The decoder's buffers and position.
    private struct State {
        private var reader: BitReader

        /// The output: 32 KiB of history kept before each chunk, and room for a match's
        /// eight-byte overrun after it.
        private let output: UnsafeMutablePointer<UInt8>
        private let chunkSize: Int
        private static let history = 32 << 10
        private static let slack = 512
        private var position = State.history
        /// Bytes written in all (for distances reaching before the output's start).
        private var total = 0

        private let literals: UnsafeMutablePointer<Entry>
        private let distances: UnsafeMutablePointer<Entry>
        private var literalRoot = 0, distanceRoot = 0

        init(input: UnsafeRawBufferPointer, chunkSize: Int) throws {
            reader = BitReader(input)
            self.chunkSize = Swift.max(chunkSize, 1 << 16)
            output = .allocate(capacity: State.history + self.chunkSize + State.slack)
            literals = .allocate(capacity: Alphabet.capacity)
            distances = .allocate(capacity: Alphabet.capacity)
        }

        func deallocate() {
            output.deallocate()
            literals.deallocate()
            distances.deallocate()
        }

        mutating func run(_ consume: (UnsafeRawBufferPointer) throws -> Void) throws {
            var last = false
            while !last {
                last = try reader.bits(1) == 1
                switch try reader.bits(2) {
                case 0: try storedBlock(consume)
                case 1:
                    buildFixedTables()
                    try huffmanBlock(consume)
                case 2:
                    try readDynamicTables()
                    try huffmanBlock(consume)
                default: throw reader.damaged("invalid block type")
                }
            }
            if reader.ranPastEnd { throw Failure.truncated }
            if reader.consumed < reader.length { throw Failure.trailing(unused: reader.length - reader.consumed) }
            if position > State.history {
                try consume(UnsafeRawBufferPointer(start: output + State.history, count: position - State.history))
            }
        }

        /// Hands the chunk written to `consume` once it is full, keeping the last 32 KiB.
        @inline(__always)
        private mutating func flushIfFull(_ consume: (UnsafeRawBufferPointer) throws -> Void) throws {
            guard position >= State.history + chunkSize else { return }
            if reader.ranPastEnd { throw Failure.truncated }
            try consume(UnsafeRawBufferPointer(start: output + State.history, count: position - State.history))
            output.update(from: output + position - State.history, count: State.history)
            position = State.history
        }

        private mutating func storedBlock(_ consume: (UnsafeRawBufferPointer) throws -> Void) throws {
            reader.alignToByte()
            let length = try reader.bits(16), complement = try reader.bits(16)
            guard length == ~complement & 0xFFFF else { throw reader.damaged("invalid stored block lengths") }
            // What the buffer holds is whole bytes of the block: written first, then the input.
            var left = length
            while left > 0 && reader.count >= 8 {
                output[position] = UInt8(truncatingIfNeeded: reader.take(8))
                position += 1
                total += 1
                left -= 1
            }
            if reader.ranPastEnd { throw Failure.truncated }
            reader.dropReadAhead()
            while left > 0 {
                try flushIfFull(consume)
                let step = Swift.min(left, State.history + chunkSize - position, reader.end - reader.next)
                guard step > 0 else { throw Failure.truncated }
                (output + position).update(from: reader.next, count: step)
                reader.next += step
                position += step
                total += step
                left -= step
            }
            try flushIfFull(consume)
        }

        private mutating func buildFixedTables() {
            var lengths = [UInt8](repeating: 8, count: 288)
            for symbol in 144..<256 { lengths[symbol] = 9 }
            for symbol in 256..<280 { lengths[symbol] = 7 }
            literalRoot = lengths.withUnsafeBufferPointer { buildTable(.literalsAndLengths, lengths: $0.baseAddress!, count: 288, into: literals)! }
            let distance = [UInt8](repeating: 5, count: 32)  // 30 and 31 complete the code, invalid if met
            distanceRoot = distance.withUnsafeBufferPointer { buildTable(.distances, lengths: $0.baseAddress!, count: 32, into: distances)! }
        }

        private mutating func readDynamicTables() throws {
            let literalCount = try reader.bits(5) + 257, distanceCount = try reader.bits(5) + 1
            let codeLengthCount = try reader.bits(4) + 4
            guard literalCount <= 286, distanceCount <= 30 else {
                throw reader.damaged("too many length or distance symbols")
            }
            var lengths = [UInt8](repeating: 0, count: 320)
            for k in 0..<codeLengthCount { lengths[codeLengthOrder[k]] = UInt8(try reader.bits(3)) }
            let codeTable = UnsafeMutablePointer<Entry>.allocate(capacity: Alphabet.capacity)
            defer { codeTable.deallocate() }
            guard let codeRoot = lengths.withUnsafeBufferPointer({ buildTable(.codeLengths, lengths: $0.baseAddress!, count: 19, into: codeTable) }) else {
                throw reader.damaged("invalid code lengths set")
            }
            for k in 0..<19 { lengths[k] = 0 }
            var k = 0
            while k < literalCount + distanceCount {
                try reader.refill()
                let symbol = Int(reader.decode(codeTable, mask: (1 << codeRoot) - 1).value)
                if symbol < 16 {
                    lengths[k] = UInt8(symbol)
                    k += 1
                    continue
                }
                var repeated: UInt8 = 0, times: Int
                switch symbol {
                case 16:
                    times = 3 + reader.take(2)  // (taken first: zlib waits for these bits before judging)
                    guard k > 0 else { throw reader.damaged("invalid bit length repeat") }
                    repeated = lengths[k - 1]
                case 17: times = 3 + reader.take(3)
                default: times = 11 + reader.take(7)
                }
                guard k + times <= literalCount + distanceCount else { throw reader.damaged("invalid bit length repeat") }
                for _ in 0..<times { lengths[k] = repeated; k += 1 }
            }
            guard lengths[256] != 0 else { throw reader.damaged("invalid code -- missing end-of-block") }
            guard let literalRoot = lengths.withUnsafeBufferPointer({ buildTable(.literalsAndLengths, lengths: $0.baseAddress!, count: literalCount, into: literals) }) else {
                throw reader.damaged("invalid literal/lengths set")
            }
            guard let distanceRoot = lengths.withUnsafeBufferPointer({ buildTable(.distances, lengths: $0.baseAddress! + literalCount, count: distanceCount, into: distances) }) else {
                throw reader.damaged("invalid distances set")
            }
            self.literalRoot = literalRoot
            self.distanceRoot = distanceRoot
        }

        /// A block's literals and matches, until its end-of-block code. The reader and the
        /// output position live in locals (registers) in the loop, written back around a flush,
        /// which reads them from `self`.
        private mutating func huffmanBlock(_ consume: (UnsafeRawBufferPointer) throws -> Void) throws {
            let literals = self.literals, distances = self.distances, output = self.output
            let literalMask = (1 &<< literalRoot) &- 1, distanceMask = (1 &<< distanceRoot) &- 1
            let limit = State.history + chunkSize
            var reader = self.reader, position = self.position, total = self.total
            defer { self.reader = reader; self.position = position; self.total = total }
            func flush(_ state: inout State) throws {
                state.reader = reader; state.position = position
                try state.flushIfFull(consume)
                position = state.position
            }
            while true {
                // A length code (15 bits) and its extra bits (5), then a distance code (15) and
                // its extra bits (13): 48 bits, within one refill's 56.
                try reader.refill()
                let here = reader.decode(literals, mask: literalMask)
                if here.op == 0 {
                    output[position] = UInt8(truncatingIfNeeded: here.value)
                    position &+= 1
                    total &+= 1
                    if position >= limit { try flush(&self) }
                    continue
                }
                if here.op & 16 == 0 {
                    if here.op & 32 != 0 { return }
                    throw reader.damaged("invalid literal/length code")
                }
                let length = Int(here.value) &+ reader.take(Int(here.op & 15))
                let code = reader.decode(distances, mask: distanceMask)
                guard code.op & 16 != 0 else { throw reader.damaged("invalid distance code") }
                let distance = Int(code.value) &+ reader.take(Int(code.op & 15))
                guard distance <= Swift.min(total, State.history) else { throw reader.damaged("invalid distance too far back") }
                Self.copy(output + position, length: length, distance: distance)
                position &+= length
                total &+= length
                if position >= limit { try flush(&self) }
            }
        }

        /// Copies `length` (at most 258) bytes from `distance` back to `target`, eight at a time
        /// when the source is that far behind (writing up to seven bytes past the end, into the
        /// slack).
        @inline(__always)
        private static func copy(_ target: UnsafeMutablePointer<UInt8>, length: Int, distance: Int) {
            var target = target
            var source = UnsafePointer(target - distance)
            let stop = target + length
            if distance >= 8 {
                repeat {
                    UnsafeMutableRawPointer(target).storeBytes(of: UnsafeRawPointer(source).loadUnaligned(as: UInt64.self), as: UInt64.self)
                    target += 8
                    source += 8
                } while target < stop
            } else if distance == 1 {
                target.update(repeating: source.pointee, count: length)
            } else {
                repeat {
                    target.pointee = source.pointee
                    target += 1
                    source += 1
                } while target < stop
            }
        }
    }
}
