import Testing
import TestSupport

@Suite("metarl command line")
struct CLIBasicsTests {
    @Test("--help lists the subcommands and exits 0")
    func help() throws {
        let r = try runMetarl(["--help"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("Usage: metarl"))
    }

    @Test("an unknown subcommand exits 2 and names it")
    func unknownSubcommand() throws {
        let r = try runMetarl(["frobnicate"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("unknown subcommand 'frobnicate'"))
    }

    @Test("help for an unknown subcommand exits 2")
    func helpUnknown() throws {
        let r = try runMetarl(["help", "nope"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("'nope'"))
    }
}
