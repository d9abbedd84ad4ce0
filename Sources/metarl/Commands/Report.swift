import Foundation
import Reports

/// `metarl report`: SVG plots and one self-contained HTML page from training runs or an
/// evaluation.
struct ReportCommand: Command {
    static let name = "report"
    static let abstract = "Plot training runs or an evaluation: SVG figures and one self-contained HTML report."
    static let help = """
    Usage: metarl report RUN_DIR [RUN_DIR ...] [--out DIR]
           metarl report EVAL.json|POLICY_DIR [--out DIR]

    From run directories (metarl train --out): curves.svg (success before and after adaptation;
    single-task: success; rl2-ppo: success in each episode of a trial) and returns.svg (the same
    for the return) against the iteration. With
    several runs (seeds) each curve is their mean with a 95% bootstrap band over the runs, up to
    the shortest run's length.

    From an evaluation (the JSON of metarl evaluate --json, or a policy directory holding
    evaluation.json): adaptation.svg (success against adaptation step, per method, with the
    95% CIs), adaptation_return.svg, and per_task.svg (each held-out task's success after the
    last step, mean over seeds, per method).

    Both write report.html, which holds the figures inline with the settings and a results
    table: one file, no network access needed. --out defaults to report/ inside the first
    RUN_DIR, or next to the evaluation file. Prints one JSON line: out, files.

    Examples:
      metarl report runs/reach-maml
      metarl report Policies/reach-maml-trpo --out /tmp/reach-report
    """

    let inputs: [URL]
    let out: URL

    init(arguments: inout Arguments) throws {
        let outText = try arguments.option("out")
        var inputs: [URL] = []
        while let p = arguments.positional() { inputs.append(URL(fileURLWithPath: p)) }
        guard !inputs.isEmpty else { throw UsageError("missing RUN_DIR or EVAL.json") }
        for url in inputs where !FileManager.default.fileExists(atPath: url.path) {
            throw UsageError("\(url.path): no such file or directory")
        }
        self.inputs = inputs
        let first = inputs[0]
        out = outText.map { URL(fileURLWithPath: $0) }
            ?? (isDirectory(first) ? first.appendingPathComponent("report") : first.deletingLastPathComponent().appendingPathComponent("report"))
    }

    func run() throws {
        let evaluation = try evaluationFile()
        let files: [(String, String)]
        let html: String
        if let evaluation {
            guard inputs.count == 1 else { throw UsageError("one evaluation at a time (found \(inputs.count) inputs)") }
            (files, html) = try evaluationReport(evaluation)
        } else {
            (files, html) = try runReport()
        }
        do { try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true) } catch {
            throw RuntimeError("\(out.path): cannot create the directory (\(NumericCSV.reason(error)))")
        }
        for (name, svg) in files { try writeAtomically(out.appendingPathComponent(name), Data(svg.utf8)) }
        try writeAtomically(out.appendingPathComponent("report.html"), Data(html.utf8))
        var line = JSONLine()
        line.add("out", out.path)
        line.add("files", (files.map(\.0) + ["report.html"]).joined(separator: ","))
        print(line.text)
    }

    /// The evaluation file named by the one input (a .json file, or a directory's evaluation.json), nil for run directories.
    private func evaluationFile() throws -> URL? {
        let first = inputs[0]
        if !isDirectory(first) { return first }
        let candidate = first.appendingPathComponent("evaluation.json")
        return FileManager.default.fileExists(atPath: candidate.path) ? candidate : nil
    }

    // MARK: Training runs

    private func runReport() throws -> ([(String, String)], String) {
        let runs = try inputs.map { try LoggedRun(directory: $0) }
        // Three kinds of log: meta-training (before/after adaptation), RL² (each episode of a
        // trial), single-task.
        func kind(_ run: LoggedRun) -> String {
            run.columns.contains("post_update_success_rate") ? "meta" : run.columns.contains("success_episode_1") ? "rl2" : "single"
        }
        let logKind = kind(runs[0])
        guard runs.allSatisfy({ kind($0) == logKind }) else {
            throw UsageError("the runs mix kinds of training (meta-training, rl2-ppo, single-task)")
        }
        let meta = logKind == "meta"
        let length = runs.map(\.rows.count).min()!
        guard length > 0 else { throw RuntimeError("\(inputs[runs.firstIndex { $0.rows.isEmpty }!].path): the learning curve has no iterations") }
        func series(_ column: String, _ name: String) throws -> PlotSeries {
            let values = try runs.map { try $0.column(column).prefix(length) }
            let x = (0..<length).map { Double($0 + 1) }
            if runs.count == 1 { return PlotSeries(name: name, x: x, y: Array(values[0])) }
            let summaries = (0..<length).map { i in summarize(scores: [values.map { $0[$0.startIndex + i] }], seed: 0) }
            return PlotSeries(name: name + " (mean of \(runs.count) runs, 95% band)", x: x, y: summaries.map(\.mean),
                              band: (summaries.map { $0.ci95[0] }, summaries.map { $0.ci95[1] }))
        }
        let episodes = (1...).prefix { runs[0].columns.contains("success_episode_\($0)") }
        let success: [PlotSeries], returns: [PlotSeries]
        switch logKind {
        case "meta":
            success = [try series("pre_update_success_rate", "before adaptation"), try series("post_update_success_rate", "after adaptation")]
            returns = [try series("pre_update_return", "before adaptation"), try series("post_update_return", "after adaptation")]
        case "rl2":
            success = try episodes.map { try series("success_episode_\($0)", "episode \($0) of the trial") }
            returns = try episodes.map { try series("return_episode_\($0)", "episode \($0) of the trial") }
        default:
            success = [try series("success_rate", "success")]
            returns = [try series("average_return", "return")]
        }
        let what = meta || logKind == "rl2" ? "meta-training (train tasks)" : "training"
        let curves = Plot(title: "Success rate during \(what)", xLabel: "iteration", yLabel: "success rate", series: success).svg
        let returnPlot = Plot(title: "Return during \(what)", xLabel: "iteration", yLabel: "mean return", series: returns).svg
        var body = "<h1>MetaRL training report</h1>\n<table><tr><th>run</th><th>algo</th><th>env</th><th>seed</th><th>iterations</th><th>command</th></tr>\n"
        for run in runs {
            body += "<tr><td>\(escapeXML(run.directory.path))</td><td>\(escapeXML(run.info["algo"] ?? "?"))</td><td>\(escapeXML(run.info["env"] ?? "?"))</td>"
            body += "<td>\(escapeXML(run.info["seed"] ?? "?"))</td><td>\(run.rows.count)</td><td><code>\(escapeXML(run.info["command"] ?? ""))</code></td></tr>\n"
        }
        body += "</table>\n" + curves + returnPlot
        return ([("curves.svg", curves), ("returns.svg", returnPlot)], page(title: "MetaRL training report", body: body))
    }

    // MARK: Evaluations

    private func evaluationReport(_ url: URL) throws -> ([(String, String)], String) {
        let evaluation = try decodeFile(EvaluationFile.self, at: url)
        guard !evaluation.results.isEmpty else { throw RuntimeError("\(url.path): results: no rows") }
        var methods: [String] = []
        for row in evaluation.results where !methods.contains(row.method) { methods.append(row.method) }
        func plot(_ metric: (EvaluationFile.Row) -> EvaluationFile.Stat, _ title: String, _ label: String) -> String {
            let series = methods.map { m -> PlotSeries in
                let rows = evaluation.results.filter { $0.method == m }.sorted { $0.adapt_step < $1.adapt_step }
                return PlotSeries(name: m, x: rows.map { Double($0.adapt_step) }, y: rows.map { metric($0).mean ?? .nan },
                                  band: (rows.map { metric($0).ci95?.first ?? .nan }, rows.map { metric($0).ci95?.last ?? .nan }), markers: true)
            }
            return Plot(title: title, xLabel: "adaptation steps", yLabel: label, series: series).svg
        }
        let adaptation = plot({ $0.success_rate }, "Held-out success against adaptation steps (95% CI)", "success rate")
        let adaptationReturn = plot({ $0.return }, "Held-out return against adaptation steps (95% CI)", "mean return")
        var files = [("adaptation.svg", adaptation), ("adaptation_return.svg", adaptationReturn)]
        var perTaskSVG = ""
        if let perTask = evaluation.per_task, !perTask.isEmpty {
            let series = perTask.map { entry -> PlotSeries in
                // success_rates[seed][step][task]: the last step, mean over seeds.
                let last = entry.success_rates.map { $0.last ?? [] }
                let tasks = last.map(\.count).min() ?? 0
                let means = (0..<tasks).map { t in last.reduce(0) { $0 + $1[t] } / Double(last.count) }
                return PlotSeries(name: entry.method, x: (0..<tasks).map(Double.init), y: means, markers: true, line: false)
            }
            perTaskSVG = Plot(title: "Success per held-out task after the last adaptation step (mean over seeds)",
                              xLabel: "held-out task", yLabel: "success rate", series: series).svg
            files.append(("per_task.svg", perTaskSVG))
        }
        func cell(_ s: EvaluationFile.Stat) -> String {
            guard let mean = s.mean else { return "—" }
            let ci = s.ci95.map { String(format: " [%.3f, %.3f]", $0.first ?? .nan, $0.last ?? .nan) } ?? ""
            return String(format: "%.3f", mean) + ci
        }
        let policies = evaluation.policies.map { $0.map { "\($0.path) (\($0.method))" }.joined(separator: ", ") } ?? evaluation.policy ?? url.path
        var body = "<h1>MetaRL evaluation report</h1>\n<p>\(escapeXML(policies)) on <b>\(escapeXML(evaluation.env ?? "?"))</b>, split \(escapeXML(evaluation.split ?? "?")), seeds \(escapeXML((evaluation.seeds ?? []).joined(separator: ", ")))</p>\n"
        body += "<table><tr><th>method</th><th>adaptation steps</th><th>success rate [95% CI]</th><th>return [95% CI]</th></tr>\n"
        for row in evaluation.results {
            body += "<tr><td>\(escapeXML(row.method))</td><td>\(row.adapt_step)</td><td>\(cell(row.success_rate))</td><td>\(cell(row.return))</td></tr>\n"
        }
        body += "</table>\n" + adaptation + adaptationReturn + perTaskSVG
        return (files, page(title: "MetaRL evaluation report", body: body))
    }

    private func page(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8"><title>\(escapeXML(title))</title>
        <style>body{font-family:sans-serif;margin:2em;max-width:1400px}table{border-collapse:collapse;margin:1em 0}
        td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}svg{margin:0.5em;vertical-align:top}code{font-size:90%}</style>
        </head><body>
        \(body)
        </body></html>

        """
    }
}

/// A training run directory's learning curve (by column name) and run.json's text fields.
private struct LoggedRun {
    let directory: URL
    let columns: [String]
    let rows: [[Double]]
    let info: [String: String]

    init(directory: URL) throws {
        self.directory = directory
        let csv = directory.appendingPathComponent("learning_curve.csv")
        let text: String
        do { text = try String(contentsOf: csv, encoding: .utf8) } catch {
            throw RuntimeError("\(csv.path): cannot read (\(NumericCSV.reason(error))); expected a run directory of metarl train --out")
        }
        let header = text.split(separator: "\n").first.map { $0.split(separator: ",").map(String.init) } ?? []
        guard header.first == "iteration" else { throw RuntimeError("\(csv.path): line 1: expected a header starting with 'iteration'") }
        columns = header
        rows = try NumericCSV(contentsOf: csv, columns: header.count).rows
        var info: [String: String] = [:]
        for name in ["run.json", "policy/run.json"] {
            let url = directory.appendingPathComponent(name)
            if let data = try? Data(contentsOf: url), let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
                for (k, v) in object where info[k] == nil {
                    if let s = v as? String { info[k] = s } else if let n = v as? NSNumber { info[k] = "\(n)" }
                }
            }
        }
        self.info = info
    }

    func column(_ name: String) throws -> [Double] {
        guard let i = columns.firstIndex(of: name) else {
            throw RuntimeError("\(directory.appendingPathComponent("learning_curve.csv").path): no column '\(name)'")
        }
        return rows.map { $0[i] }
    }
}

/// What the report reads of `metarl evaluate --json`'s output.
private struct EvaluationFile: Decodable {
    struct Stat: Decodable { let mean: Double?; let ci95: [Double]? }
    struct Row: Decodable { let method: String; let adapt_step: Int; let success_rate: Stat; let `return`: Stat }
    struct PerTask: Decodable { let method: String; let success_rates: [[[Double]]] }
    let env: String?
    let split: String?
    let policy: String?
    struct PolicyEntry: Decodable { let path: String; let method: String }
    let policies: [PolicyEntry]?
    let seeds: [String]?
    let results: [Row]
    let per_task: [PerTask]?
}

/// Whether `url` names an existing directory.
private func isDirectory(_ url: URL) -> Bool {
    var flag: ObjCBool = false
    return FileManager.default.fileExists(atPath: url.path, isDirectory: &flag) && flag.boolValue
}
