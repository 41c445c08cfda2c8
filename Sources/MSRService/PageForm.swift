import Foundation
import Hummingbird
import MSRCore
import NIOCore

/// A submitted form: `application/x-www-form-urlencoded` or `multipart/form-data` (the
/// recommend page's file upload), read within the body limit. A body over the limit is 413, a
/// malformed one or another content type 400; a field given twice is malformed too (no form
/// of these pages sends one).
struct PageForm: Sendable {
    /// An uploaded file.
    struct File: Sendable, Equatable {
        var filename: String
        var contentType: String?
        var bytes: [UInt8]
    }

    var fields: [String: String] = [:]
    var files: [String: File] = [:]

    /// A text field, trimmed of surrounding white space; `nil` when absent.
    func text(_ name: String) -> String? {
        fields[name]?.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Reads the request's form.
    static func read(_ request: Request, limit: Int) async throws -> PageForm {
        if request.declaresBodyOver(limit) { throw HTTPError(.contentTooLarge) }
        let contentType = request.headers[.contentType] ?? ""
        let mediaType = contentType.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        guard mediaType == "application/x-www-form-urlencoded" || mediaType == "multipart/form-data" else {
            throw APIError.invalid(nil, "expected a form (application/x-www-form-urlencoded or multipart/form-data), got "
                                   + (contentType.isEmpty ? "no Content-Type" : MessageText.quoted(contentType, limit: 80)))
        }
        // The boundary is checked before the body is read.
        let boundary = mediaType == "multipart/form-data" ? try MultipartForm.boundary(contentType) : nil
        let bytes: [UInt8]
        do {
            bytes = Array(try await request.body.collect(upTo: limit).readableBytesView)
        } catch is NIOTooManyBytesError {
            throw HTTPError(.contentTooLarge)
        }
        if let boundary { return try MultipartForm.parse(bytes, boundary: boundary) }
        return try urlEncoded(bytes)
    }

    /// `name=value&...`, `+` for a space and `%XX` escapes, UTF-8.
    static func urlEncoded(_ bytes: [UInt8]) throws -> PageForm {
        var form = PageForm()
        for pair in bytes.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            let name = try decode(parts[0]), value = parts.count > 1 ? try decode(parts[1]) : ""
            guard form.fields[name] == nil else { throw APIError.invalid(name, "the form gives the field '\(name)' twice") }
            form.fields[name] = value
        }
        return form
    }

    private static func decode(_ bytes: ArraySlice<UInt8>) throws -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = bytes.startIndex
        func hex(_ byte: UInt8) -> UInt8? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
            default: return nil
            }
        }
        while i < bytes.endIndex {
            switch bytes[i] {
            case UInt8(ascii: "+"):
                out.append(UInt8(ascii: " "))
                i += 1
            case UInt8(ascii: "%"):
                guard i + 2 < bytes.endIndex, let high = hex(bytes[i + 1]), let low = hex(bytes[i + 2]) else {
                    throw APIError.invalid(nil, "the form has a malformed %-escape")
                }
                out.append(high << 4 | low)
                i += 3
            default:
                out.append(bytes[i])
                i += 1
            }
        }
        guard let text = String(validating: out, as: UTF8.self) else { throw APIError.invalid(nil, "the form is not UTF-8 text") }
        return text
    }
}
