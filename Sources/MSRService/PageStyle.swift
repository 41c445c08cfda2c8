import Foundation
import Hummingbird

/// The pages' one stylesheet, served by the service itself (`GET /static/msr.css`), so that
/// the Content-Security-Policy's `style-src 'self'` allows it and nothing else: no inline
/// style, no other host.
enum PageStyle {
    static let path = "/static/msr.css"

    static let css = """
    :root{--fg:#1d2329;--muted:#5b6670;--line:#d8dde2;--accent:#1a5fb4;--bad:#a51d2d;--ok:#26734d;--bg:#fafbfc}
    *{box-sizing:border-box}
    body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
    header{display:flex;flex-wrap:wrap;align-items:center;gap:1em;padding:.6em 1.5em;background:#fff;border-bottom:1px solid var(--line)}
    header .brand{font-weight:700;color:var(--fg);text-decoration:none;margin-right:1em}
    header nav{display:flex;gap:1em;flex:1}
    header nav a{color:var(--accent);text-decoration:none}
    header nav a.here{font-weight:600;color:var(--fg)}
    header .who{color:var(--muted)}
    header form{margin:0}
    main{max-width:64em;margin:1.5em auto;padding:0 1.5em}
    h1{font-size:1.5em;margin:.2em 0 .8em}
    h2{font-size:1.15em;margin:1.6em 0 .6em}
    a{color:var(--accent)}
    table{border-collapse:collapse;width:100%;background:#fff;margin:.5em 0 1em}
    th,td{text-align:left;padding:.35em .6em;border-bottom:1px solid var(--line);vertical-align:top}
    th{font-weight:600;background:#f0f2f4}
    td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
    section.card h2{margin-top:0}
    form.card,section.card{background:#fff;border:1px solid var(--line);border-radius:6px;padding:1em 1.2em;margin:0 0 1.2em}
    label{display:block;font-weight:600;margin:.7em 0 .2em}
    label.inline{display:inline;font-weight:400;margin:0 0 0 .3em}
    input[type=text],input[type=password],input[type=number],textarea{width:100%;max-width:40em;padding:.4em;border:1px solid #aab3bb;border-radius:4px;font:inherit}
    input[type=number]{max-width:8em}
    textarea{min-height:9em;font-family:ui-monospace,monospace;font-size:.9em}
    button{font:inherit;padding:.35em 1em;border:1px solid var(--accent);background:var(--accent);color:#fff;border-radius:4px;cursor:pointer}
    button.quiet{background:#fff;color:var(--accent)}
    button.danger{border-color:var(--bad);background:#fff;color:var(--bad)}
    .row-actions{display:flex;gap:.4em}
    .row-actions form{margin:0}
    .help{color:var(--muted);font-size:.88em;margin:.15em 0 0}
    .error{color:var(--bad);font-weight:600}
    .field-error{color:var(--bad);font-size:.9em;margin:.2em 0 0}
    .notice{padding:.6em 1em;border-radius:4px;margin:0 0 1em;background:#fff}
    .notice.bad{border:1px solid var(--bad);color:var(--bad)}
    .notice.ok{border:1px solid var(--ok);color:var(--ok)}
    .muted{color:var(--muted)}
    .figures{display:flex;flex-wrap:wrap;gap:1em;margin:0 0 1em}
    .figures div{background:#fff;border:1px solid var(--line);border-radius:6px;padding:.5em 1em}
    .figures b{display:block;font-size:1.3em}
    .chart{background:#fff;border:1px solid var(--line);border-radius:6px;padding:.5em;overflow-x:auto}
    .chart svg{max-width:100%;height:auto}
    pre.log{background:#111;color:#e8e8e8;padding:1em;border-radius:6px;overflow-x:auto;max-height:40em;font-size:.85em}
    .status{font-weight:700}
    .status.succeeded{color:var(--ok)}
    .status.failed{color:var(--bad)}
    .pager{display:flex;gap:1em;align-items:center}
    fieldset{border:1px solid var(--line);border-radius:6px;margin:0 0 1em;padding:.5em 1em 1em}
    legend{font-weight:700;padding:0 .3em}
    """

    /// `GET /static/msr.css`.
    static func response() -> Response {
        Response(status: .ok,
                 headers: [.contentType: "text/css; charset=utf-8", .init("X-Content-Type-Options")!: "nosniff",
                           .cacheControl: "public, max-age=3600"],
                 body: .init(byteBuffer: ByteBuffer(string: css)))
    }
}
