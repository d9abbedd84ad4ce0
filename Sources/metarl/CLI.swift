import Foundation
import Collectives

/// A subcommand of `metarl`. Parsing and validation happen in `init`, before any work starts,
/// so a bad flag never costs a half-finished run.
protocol Command {
    /// The words that select it, e.g. "simulate" or "bench physics".
    static var name: String { get }
    /// One line for the command list.
    static var abstract: String { get }
    /// The synopsis, options and an example.
    static var help: String { get }
    init(arguments: inout Arguments) throws
    func run() throws
}

enum CLI {
    /// Every subcommand, in the order `metarl --help` lists them.
    static var commands: [any Command.Type] { [
        Simulate.self,
        Track.self,
        BenchPhysics.self,
        BenchCollision.self,
        BenchAutodiff.self,
        EnvsList.self,
        EnvsShow.self,
        EnvsCheck.self,
        RolloutCommand.self,
        BenchEnv.self,
        Train.self,
        AdaptCommand.self,
        Evaluate.self,
        ReportCommand.self,
        RenderCommand.self,
        BenchMAML.self,
    ] }

    /// What `metarl` with no arguments runs.
    static var defaultCommand: any Command.Type { DefaultJob.self }

    static var overview: String {
        let width = (commands.map { $0.name.count }.max() ?? 0) + 2
        let list = commands.map { "  " + $0.name.padding(toLength: width, withPad: " ", startingAt: 0) + $0.abstract }
        return """
        metarl: meta-reinforcement learning for robot manipulation.

        Usage: metarl [SUBCOMMAND] [OPTIONS]
        With no subcommand, runs the default job: \(defaultCommand.abstract.prefix(1).lowercased() + defaultCommand.abstract.dropFirst())

        Subcommands:
        \(list.joined(separator: "\n"))

        'metarl help SUBCOMMAND' or 'metarl SUBCOMMAND --help' shows a subcommand's options.
        """
    }

    /// Runs one command line; returns the process exit status (0 ok, 1 runtime failure, 2 usage).
    ///
    /// With a `world` of several ranks (an MPI launch) only `train` runs. Every rank parses the
    /// same arguments and reads the same files, so a usage or set-up error is the same on all of
    /// them: rank 0 alone reports it and all exit. An error while training may strike one rank
    /// only: that rank names itself and aborts the whole job.
    static func run(_ argv: [String], world: any Communicator = SingleProcess()) -> Int32 {
        world.size > 1 ? runDistributed(argv, world: world) : runLocal(argv)
    }

    /// The commands that run on several MPI ranks.
    static var distributedCommands: [any Command.Type] { [Train.self, BenchMAML.self] }

    private static func runDistributed(_ argv: [String], world: any Communicator) -> Int32 {
        guard let (command, rest) = lookup(argv), distributedCommands.contains(where: { $0 == command }),
              !argv.contains("--help"), !argv.contains("-h") else {
            if world.isRoot {
                let names = distributedCommands.map { "'metarl \($0.name)'" }.joined(separator: " and ")
                printError("metarl: error: only \(names) run on several MPI ranks (this job has \(world.size)); run other commands without mpirun")
            }
            return 2
        }
        var arguments = Arguments(rest)
        arguments.world = world
        let instance: any Command
        do {
            instance = try command.init(arguments: &arguments)
            try arguments.finish()
        } catch let error as UsageError {
            return world.isRoot ? usageFailure(error.description, command: command) : 2
        } catch {
            if world.isRoot { printError("\(command.label): error: \(error)") }
            return 1
        }
        do {
            try instance.run()
            return 0
        } catch let stop as Interrupted {
            if world.isRoot { printError("\(command.label): \(stop)") }
            return 130
        } catch {
            printError("\(command.label): rank \(world.rank) of \(world.size): error: \(error); aborting the job")
            world.abort(status: 1)
        }
    }

    private static func runLocal(_ argv: [String]) -> Int32 {
        if argv.first == "--help" || argv.first == "-h" || argv == ["help"] {
            print(overview)
            return 0
        }
        if argv.first == "help" {
            let words = Array(argv.dropFirst())
            guard let (command, rest) = lookup(words), rest.isEmpty else {
                return usageFailure("unknown subcommand '\(words.joined(separator: " "))'", command: nil)
            }
            print(command.help)
            return 0
        }
        let command: any Command.Type
        var arguments: Arguments
        if argv.isEmpty || argv.first!.hasPrefix("-") {
            command = defaultCommand
            arguments = Arguments(argv)
        } else if let (found, rest) = lookup(argv) {
            command = found
            arguments = Arguments(rest)
        } else {
            return usageFailure("unknown subcommand '\(argv[0])'", command: nil)
        }
        if arguments.wantsHelp {
            print(command.help)
            return 0
        }
        do {
            let instance = try command.init(arguments: &arguments)
            try arguments.finish()
            try instance.run()
            return 0
        } catch let error as UsageError {
            return usageFailure(error.description, command: command)
        } catch let stop as Interrupted {
            printError("\(command.label): \(stop)")
            return 130
        } catch {
            printError("\(command.label): error: \(error)")
            return 1
        }
    }

    /// The command whose name is the longest prefix of `words`, and the words after it.
    static func lookup(_ words: [String]) -> (any Command.Type, [String])? {
        var best: (any Command.Type, Int)?
        for command in commands {
            let name = command.name.split(separator: " ").map(String.init)
            if words.count >= name.count, Array(words.prefix(name.count)) == name, name.count > (best?.1 ?? 0) {
                best = (command, name.count)
            }
        }
        guard let (command, used) = best else { return nil }
        return (command, Array(words.dropFirst(used)))
    }

    static func usageFailure(_ message: String, command: (any Command.Type)?) -> Int32 {
        if let command {
            let see = command.name.isEmpty ? "metarl --help" : "metarl help \(command.name)"
            printError("\(command.label): error: \(message)\nSee '\(see)'.")
        } else {
            printError("metarl: error: \(message)\nSee 'metarl --help'.")
        }
        return 2
    }
}

extension Command {
    /// How messages name the command: "metarl train", or "metarl" for the default job.
    static var label: String { name.isEmpty ? "metarl" : "metarl \(name)" }
}

/// Human messages go to stderr; stdout carries only machine-readable output.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
