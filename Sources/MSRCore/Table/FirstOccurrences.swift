import Glibc

extension TextColumn {
    /// For each of `rows` (row numbers of this column, ascending), the first of `rows` holding
    /// the same bytes: the row itself when no earlier one does. A million uris take both cores
    /// and no copy of a value: every row's hash is computed in blocks on all cores, then each
    /// core inserts the rows of its share of the hashes (their top bits) into a table of its own
    /// holding row positions and hash tags, in row order, so the result is the same whatever the
    /// cores' timing (equal values hash alike and land in the same share).
    public func firstOccurrences(among rows: [Int]) -> [Int] {
        precondition(rows.count < Int(UInt32.max), "more rows than a table slot can number")
        var hashes = [UInt64](repeating: 0, count: rows.count)
        var firsts = [Int](repeating: 0, count: rows.count)
        // One share below 64k rows: starting a second thread costs more than it saves.
        let shares = rows.count < 1 << 16 ? 1 : Parallel.width > 1 ? 2 : 1
        TextColumn.withViews([self]) { views in
            rows.withUnsafeBufferPointer { rows in
                hashes.withUnsafeMutableBufferPointer { hashes in
                    firsts.withUnsafeMutableBufferPointer { firsts in
                        let shared = Shared(column: views[0], rows: rows, hashes: hashes, firsts: firsts)
                        _ = Parallel.blocks(rows.count, size: 1 << 16) { block in
                            for i in block {
                                let value = shared.column[shared.rows[i]]
                                shared.hashes[i] = ByteStringTable.hash(value.baseAddress!, value.count)
                            }
                        }
                        _ = Parallel.map(shares) { share in shared.insert(share: share, of: shares) }
                    }
                }
            }
        }
        return firsts
    }

    /// What the workers share; each writes only the `firsts` of its own rows.
    private struct Shared: @unchecked Sendable {
        let column: TextColumn.View
        let rows: UnsafeBufferPointer<Int>
        let hashes: UnsafeMutableBufferPointer<UInt64>
        let firsts: UnsafeMutableBufferPointer<Int>

        /// Inserts the rows whose hash is in `share` (of `shares`, 1 or 2) in order: a slot holds
        /// the hash's top 32 bits and the row's position plus one (0: empty), so a probe compares
        /// bytes only when the tags agree.
        func insert(share: Int, of shares: Int) {
            let inShare = { (hash: UInt64) in shares == 1 || Int(hash >> 63) == share }
            var count = 0
            for hash in hashes where inShare(hash) { count += 1 }
            var size = 16
            while size < count * 2 { size <<= 1 }
            let mask = size - 1
            var slots = [UInt64](repeating: 0, count: size)
            slots.withUnsafeMutableBufferPointer { slots in
                for i in 0..<hashes.count where inShare(hashes[i]) {
                    let hash = hashes[i], tag = hash >> 32
                    var slot = Int(truncatingIfNeeded: hash) & mask
                    while true {
                        let held = slots[slot]
                        if held == 0 {
                            slots[slot] = tag << 32 | UInt64(i + 1)
                            firsts[i] = rows[i]
                            break
                        }
                        if held >> 32 == tag {
                            let earlier = rows[Int(held & 0xFFFF_FFFF) - 1]
                            let a = column[earlier], b = column[rows[i]]
                            if a.count == b.count && memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0 {
                                firsts[i] = earlier
                                break
                            }
                        }
                        slot = (slot + 1) & mask
                    }
                }
            }
        }
    }
}
