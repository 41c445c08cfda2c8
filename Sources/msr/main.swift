// msr's executables in one, for the container image (issue 14): the eleven static executables
// hold eleven copies of the Swift runtime (and five of them of Foundation and ICU's data: 34 to
// 85 MB each); this one holds them once (86 MB, stripped). It runs as the command its name says, msr-NAME being a link to it
// (/usr/local/bin/msr-predict -> msr), or under any other name as `msr NAME [ARGS]`
// (`msr predict -`, `msr msr-predict -`). On the host each stage keeps its own executable, which
// links neither the service nor the network unless it needs them.
import Glibc
import MSRCLI
import MSRCore
import MSRNetwork
import MSRService

let commands: [any StageCommand.Type] = [Ingest.self, Validate.self, Transform.self, Train.self, Evaluate.self,
                                         Cluster.self, Predict.self, Monitor.self, Feed.self, Factorize.self]
/// The stages by their names, as each command declares it (`msr-ingest`).
let stages = Dictionary(uniqueKeysWithValues: commands.map { ($0.configuration.commandName!, $0) })
let serve = MSRServe.configuration.commandName!
/// The commands' names without `msr-`, for the messages.
let names = (stages.keys + [serve]).map { $0.dropFirst(4) }.sorted().joined(separator: " ")

var arguments = Array(CommandLine.arguments.dropFirst())
var name = (CommandLine.arguments.first ?? "msr").split(separator: "/").last.map(String.init) ?? "msr"
if !name.hasPrefix("msr-") {
    guard let first = arguments.first, !first.hasPrefix("-") else {
        let usage = "usage: msr COMMAND [ARGS] (or a link named msr-COMMAND); COMMAND is one of: \(names)\n"
        guard arguments.first == "-h" || arguments.first == "--help" else {
            StandardError.write(usage)
            exit(64)
        }
        do {
            try StandardOutput.write(usage)
        } catch {
            StandardError.write("msr: \((error as? MSRError)?.message ?? "\(error)")\n")
            exit(74)
        }
        exit(0)
    }
    name = first.hasPrefix("msr-") ? first : "msr-" + first
    arguments.removeFirst()
}
if name == serve {
    await MSRServe.start(arguments)
} else if let stage = stages[name] {
    stage.main(arguments)
} else {
    StandardError.write("msr: no command \(MessageText.quoted(String(name.dropFirst(4)), limit: 64)) (one of: \(names))\n")
    exit(64)
}
