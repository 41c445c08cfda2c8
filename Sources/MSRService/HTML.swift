import Foundation
import MSRCore

/// Markup the pages send. Written as a string literal whose interpolations are escaped: a
/// `String` interpolated into `HTML` (a user name, a playlist name, a song title, a message,
/// a value echoed back into a form) always arrives as text, never as markup; only another
/// `HTML` value, built the same way, goes in as it is.
///
///     let row: HTML = "<td>\(user.name)</td>"   // "<b>" arrives as &lt;b&gt;
struct HTML: Sendable, Equatable, ExpressibleByStringInterpolation, CustomStringConvertible {
    /// The markup.
    private(set) var text: String

    /// Markup the code wrote itself (a constant, or the chart MSRCore escaped): never a value
    /// from a request or a file.
    init(trusted text: String) {
        self.text = text
    }

    init(stringLiteral value: String) {
        text = value
    }

    init(stringInterpolation: Interpolation) {
        text = stringInterpolation.text
    }

    var description: String { text }

    static let empty = HTML(trusted: "")

    static func + (a: HTML, b: HTML) -> HTML {
        HTML(trusted: a.text + b.text)
    }

    static func += (a: inout HTML, b: HTML) {
        a.text += b.text
    }

    /// The pieces one after another.
    static func join(_ pieces: [HTML], separator: HTML = .empty) -> HTML {
        HTML(trusted: pieces.map(\.text).joined(separator: separator.text))
    }

    struct Interpolation: StringInterpolationProtocol {
        var text = ""

        init(literalCapacity: Int, interpolationCount: Int) {
            text.reserveCapacity(literalCapacity + 16 * interpolationCount)
        }

        mutating func appendLiteral(_ literal: String) {
            text += literal
        }

        /// Text: escaped.
        mutating func appendInterpolation(_ value: String) {
            text += HTMLText.escaped(value)
        }

        /// Text, or nothing for `nil`: escaped.
        mutating func appendInterpolation(_ value: String?) {
            if let value { text += HTMLText.escaped(value) }
        }

        mutating func appendInterpolation(_ value: Int) {
            text += String(value)
        }

        mutating func appendInterpolation(_ value: Int64) {
            text += String(value)
        }

        /// Markup: as it is.
        mutating func appendInterpolation(_ value: HTML) {
            text += value.text
        }

        /// Pieces of markup one after another.
        mutating func appendInterpolation(_ values: [HTML]) {
            for value in values { text += value.text }
        }
    }
}

extension HTML {
    /// A number with `digits` decimals.
    static func number(_ value: Double, digits: Int) -> String {
        value.isFinite ? String(format: "%.\(digits)f", value) : "-"
    }

    /// A link to a song's open.spotify.com page, when `url` is one (the only links to another
    /// host the pages make); otherwise the text alone.
    static func songLink(_ url: String?, text: String) -> HTML {
        guard let url, url.hasPrefix("\(Playlist.linkPrefix)"), Playlist.link(String(url.dropFirst(Playlist.linkPrefix.utf8CodeUnitCount))) == url else {
            return "\(text)"
        }
        return "<a href=\"\(url)\" rel=\"noopener noreferrer\" target=\"_blank\">\(text)</a>"
    }
}
