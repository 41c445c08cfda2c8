import Foundation
import Hummingbird
import MSRCore
import NIOCore

/// A request's JSON object body, read within the size limit, with typed fields whose errors
/// name the field (400 for a malformed body, 422 for a refused value).
struct JSONBody {
    let object: [String: JSONValue]

    /// Reads the body: over `limit` bytes is 413; not a JSON object is 400.
    static func read(_ request: Request, limit: Int) async throws -> JSONBody {
        try JSONBody(parsing: try await bytes(request, limit: limit))
    }

    /// The body's bytes: over `limit` is 413, none is 400.
    static func bytes(_ request: Request, limit: Int) async throws -> [UInt8] {
        if request.declaresBodyOver(limit) { throw HTTPError(.contentTooLarge) }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            // A chunked body (no Content-Length) stops here, at the limit.
            throw HTTPError(.contentTooLarge)
        }
        let bytes = Array(buffer.readableBytesView)
        guard !bytes.isEmpty else { throw APIError.invalid(nil, "expected a JSON object body, got an empty body") }
        return bytes
    }

    /// `bytes` as a JSON object: anything else is 400.
    init(parsing bytes: [UInt8]) throws {
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch let error as JSONParser.ParseError {
            throw APIError.invalid(nil, "the body is not valid JSON (\(error.message))")
        }
        guard case .object(let object) = value else { throw APIError.invalid(nil, "expected a JSON object body") }
        self.object = object
    }

    /// The members given.
    init(object: [String: JSONValue]) {
        self.object = object
    }

    /// A required string.
    func string(_ key: String) throws -> String {
        guard let value = object[key] else { throw APIError.unprocessable(key, "missing field '\(key)'") }
        guard case .string(let text) = value else { throw APIError.unprocessable(key, "expected a string") }
        return text
    }

    /// An optional whole number within `range`.
    func int(_ key: String, in range: ClosedRange<Int>, default fallback: Int) throws -> Int {
        switch object[key] {
        case nil, .null?: return fallback
        case .int(let value)? where range.contains(value): return value
        case .double(let value)? where value.rounded() == value && value >= Double(range.lowerBound) && value <= Double(range.upperBound):
            return Int(value)
        default: throw APIError.unprocessable(key, "expected a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
    }

    /// An optional boolean.
    func bool(_ key: String, default fallback: Bool) throws -> Bool {
        switch object[key] {
        case nil, .null?: return fallback
        case .bool(let value)?: return value
        default: throw APIError.unprocessable(key, "expected true or false")
        }
    }

    /// Refuses any key not in `known`.
    func only(_ known: [String]) throws {
        if let unknown = object.keys.sorted().first(where: { !known.contains($0) }) {
            throw APIError.unprocessable(unknown, "unknown field (expected: \(known.joined(separator: ", ")))")
        }
    }
}

extension Request {
    /// Whether the `Content-Length` is over `limit` bytes: 413 before reading a byte of the body
    /// (a length beyond `Int`, up to 2^64 - 1, which NIO takes, too).
    func declaresBodyOver(_ limit: Int) -> Bool {
        guard let length = headers[.contentLength].flatMap(UInt64.init) else { return false }
        return length > UInt64(limit)
    }
}
