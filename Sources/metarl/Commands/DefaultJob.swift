/// `metarl` with no arguments. Until the engine lands this only shows the overview.
struct DefaultJob: Command {
    static let name = ""
    static let abstract = "Show the overview."
    static let help = CLI.overview

    init(arguments: inout Arguments) throws {}

    func run() throws { print(CLI.overview) }
}
