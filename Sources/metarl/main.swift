// The `metarl` executable: everything lives in CLI.swift and Commands/; this file only hands over.
import Foundation

exit(CLI.run(Array(CommandLine.arguments.dropFirst())))
