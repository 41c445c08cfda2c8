import Foundation
import MSRCore

/// A strict reader of `multipart/form-data` (RFC 7578), as browsers send a form with a file
/// input: the boundary from the Content-Type; the body opening with the first delimiter, each
/// part's headers (a `Content-Disposition: form-data; name="..."`, and `filename="..."` for a
/// file) then its bytes up to the next delimiter, the last delimiter closed with `--`.
/// Anything else is 400 naming what was wrong; the size is bounded by the caller's limit
/// before any of this runs.
enum MultipartForm {
    /// Most parts in one form, headers in one part, bytes in one header line.
    static let maxParts = 32, maxHeaders = 8, maxHeaderLine = 1024

    /// The boundary parameter of a `multipart/form-data` Content-Type: 1 to 70 characters of
    /// RFC 2046's set, quoted or not.
    static func boundary(_ contentType: String) throws -> String {
        let parameters = contentType.split(separator: ";").dropFirst()
        var found: String?
        for parameter in parameters {
            let pair = parameter.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == "boundary" else { continue }
            var value = pair[1].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            guard found == nil else { throw malformed("the Content-Type gives two boundaries") }
            found = value
        }
        guard let boundary = found else { throw malformed("multipart/form-data without a boundary in the Content-Type") }
        let allowed = Set("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'()+_,-./:=? ".utf8)
        guard (1...70).contains(boundary.utf8.count), boundary.utf8.allSatisfy(allowed.contains), boundary.last != " " else {
            throw malformed("the multipart boundary must be 1 to 70 letters, digits or '()+_,-./:=? characters")
        }
        return boundary
    }

    /// The form in `body`.
    static func parse(_ body: [UInt8], boundary: String) throws -> PageForm {
        let delimiter = Array("--\(boundary)".utf8)
        let crlf: [UInt8] = [13, 10]
        guard body.starts(with: delimiter) else { throw malformed("the multipart body does not open with its boundary") }
        var form = PageForm()
        var position = delimiter.count
        var parts = 0
        while true {
            // After a delimiter: `--` closes the body (an epilogue after it is ignored), CRLF
            // opens a part.
            if body[position...].starts(with: [45, 45]) { break }
            guard body[position...].starts(with: crlf) else { throw malformed("a multipart boundary is not followed by a line break") }
            position += 2
            parts += 1
            guard parts <= maxParts else { throw malformed("the form has more than \(maxParts) parts") }
            // The part's headers, up to an empty line.
            var headers: [(name: String, value: String)] = []
            while true {
                guard let end = find(crlf, in: body, from: position), end - position <= maxHeaderLine else {
                    throw malformed("a multipart part's headers are not terminated")
                }
                let line = body[position..<end]
                position = end + 2
                if line.isEmpty { break }
                guard headers.count < maxHeaders, let text = String(validating: line, as: UTF8.self),
                      let colon = text.firstIndex(of: ":") else { throw malformed("a multipart part has a malformed header") }
                headers.append((text[..<colon].trimmingCharacters(in: .whitespaces).lowercased(),
                                text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
            }
            guard let disposition = headers.first(where: { $0.name == "content-disposition" })?.value,
                  headers.filter({ $0.name == "content-disposition" }).count == 1 else {
                throw malformed("a multipart part has no Content-Disposition")
            }
            let (name, filename) = try self.disposition(disposition)
            // Its bytes, up to CRLF and the next delimiter.
            guard let end = find(crlf + delimiter, in: body, from: position) else {
                throw malformed("the multipart body ends without its closing boundary")
            }
            let content = Array(body[position..<end])
            position = end + 2 + delimiter.count
            guard form.fields[name] == nil, form.files[name] == nil else { throw APIError.invalid(name, "the form gives the field '\(name)' twice") }
            if let filename {
                let type = headers.first(where: { $0.name == "content-type" })?.value
                form.files[name] = PageForm.File(filename: filename, contentType: type, bytes: content)
            } else {
                guard let text = String(validating: content, as: UTF8.self) else { throw APIError.invalid(name, "the field '\(name)' is not UTF-8 text") }
                form.fields[name] = text
            }
        }
        return form
    }

    /// `form-data; name="..."; filename="..."`: the name, and the file name of a file part.
    static func disposition(_ value: String) throws -> (name: String, filename: String?) {
        var rest = Substring(value)
        func skipSpaces() { while rest.first == " " || rest.first == "\t" { rest.removeFirst() } }
        guard rest.lowercased().hasPrefix("form-data") else { throw malformed("a multipart part is not form-data") }
        rest = rest.dropFirst("form-data".count)
        var parameters: [String: String] = [:]
        while true {
            skipSpaces()
            if rest.isEmpty { break }
            guard rest.first == ";" else { throw malformed("a multipart part has a malformed Content-Disposition") }
            rest.removeFirst()
            skipSpaces()
            guard let equals = rest.firstIndex(of: "=") else { throw malformed("a multipart part has a malformed Content-Disposition") }
            let key = rest[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            rest = rest[rest.index(after: equals)...]
            skipSpaces()
            var parameter: Substring
            if rest.first == "\"" {
                rest.removeFirst()
                guard let close = rest.firstIndex(of: "\"") else { throw malformed("a multipart part has an unterminated quoted name") }
                parameter = rest[..<close]
                rest = rest[rest.index(after: close)...]
            } else {
                let end = rest.firstIndex(of: ";") ?? rest.endIndex
                parameter = rest[..<end]
                rest = rest[end...]
                parameter = Substring(parameter.trimmingCharacters(in: .whitespaces))
            }
            guard parameters[key] == nil else { throw malformed("a multipart part gives '\(key)' twice") }
            parameters[key] = String(parameter)
        }
        guard let name = parameters["name"], !name.isEmpty else { throw malformed("a multipart part has no name") }
        return (name, parameters["filename"])
    }

    /// The first index of `needle` in `haystack` at or after `start`.
    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard let first = needle.first, haystack.count >= needle.count else { return nil }
        var i = start
        let last = haystack.count - needle.count
        while i <= last {
            guard let candidate = haystack[i...last].firstIndex(of: first) else { return nil }
            if haystack[candidate..<(candidate + needle.count)].elementsEqual(needle) { return candidate }
            i = candidate + 1
        }
        return nil
    }

    static func malformed(_ message: String) -> APIError {
        APIError.invalid(nil, message)
    }
}
