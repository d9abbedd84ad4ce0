import Numerics

/// Times `steps` calls of `step` on a fresh `Data` started from `keyframe` (or qpos0), on the
/// calling thread, after a short warm-up. Returns wall-clock seconds and steps per second.
/// This is what `metarl bench physics` reports: the bare engine, no I/O in the loop.
public func benchmarkSteps(model: Model, steps: Int, keyframe: Int? = nil) -> (seconds: Double, stepsPerSecond: Double) {
    precondition(steps > 0, "benchmarkSteps: steps must be positive")
    var d = Data(model)
    d.reset(model, keyframe: keyframe)
    // Warm-up: first-touch of every buffer and of the code paths.
    for _ in 0..<min(steps, 1000) { step(model, &d) }
    d.reset(model, keyframe: keyframe)
    let clock = ContinuousClock()
    let start = clock.now
    for _ in 0..<steps { step(model, &d) }
    let elapsed = clock.now - start
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    // Keep the result observable so the loop cannot be optimized away.
    if d.qpos.contains(where: { $0.isNaN }) { print("benchmark state became NaN") }
    return (seconds, Double(steps) / seconds)
}
