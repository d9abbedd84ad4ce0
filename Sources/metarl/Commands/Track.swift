import Foundation
import Numerics
import Physics

/// `metarl track`: drives the shipped 7-DOF arm through a joint-space trajectory with
/// computed-torque control (the dynamics the robot suite's controller builds on) and reports
/// tracking error and engine speed.
struct Track: Command {
    static let name = "track"
    static let abstract = "Drive the 7-DOF arm along a trajectory with computed-torque control and report tracking and speed."
    static let help = """
    Usage: metarl track [--steps N] [--seed S]

    Loads Environments/robots/arm7.xml, starts at its "home" keyframe and tracks a smooth
    sinusoidal joint trajectory (amplitude 0.3 rad, random phases from the seed) for N physics
    steps (default 2500 = 5 s) with computed-torque control:
      tau = M(q)·(q̈_d + Kp·e + Kd·ė) + bias(q, q̇) − passive(q, q̇),  Kp = 400, Kd = 40,
    clamped by the engine to the arm's torque limits. Prints a summary on stderr and one JSON
    line on stdout: seed, steps, simulated_seconds, max_tracking_error_rad,
    final_tracking_error_rad, wall_seconds, steps_per_second.

    Example:
      swift run -c release metarl track --steps 5000 --seed 3
    """

    let steps: Int
    let seed: UInt64

    init(arguments: inout Arguments) throws {
        steps = try arguments.int("steps", range: 1...10_000_000) ?? 2500
        seed = try arguments.seed() ?? 0
    }

    func run() throws {
        let url = try locateResource("Environments/robots/arm7.xml")
        let model = try loadModel(url.path)
        guard let home = model.keyframe(named: "home") else { throw RuntimeError("\(url.path): no keyframe 'home'") }
        let armJoints = (1...7).compactMap { model.joint(named: "joint\($0)") }
        guard armJoints.count == 7, model.nu >= 7 else { throw RuntimeError("\(url.path): expected joint1...joint7 and their motors") }

        var rng = RandomSource(seed: seed)
        let phases = (0..<7).map { _ in rng.uniform(0, 2 * Double.pi) }
        let amplitude = 0.3, omega = 2 * Double.pi / 2.5  // a 2.5 s period
        let kp = 400.0, kd = 40.0
        let nv = model.nv
        let q0 = model.keyframes[home].qpos

        var d = Physics.Data(model)
        d.reset(model, keyframe: home)
        // Start on the trajectory: q(0) and q̇(0) of the reference.
        for (i, j) in armJoints.enumerated() {
            let a = model.joints[j].qposAdr, v = model.joints[j].dofAdr
            d.qpos[a] = q0[a] + amplitude * sin(phases[i])
            d.qvel[v] = amplitude * omega * cos(phases[i])
        }
        var accel = [Double](repeating: 0, count: nv)
        var maxError = 0.0, finalError = 0.0
        let clock = ContinuousClock()
        let start = clock.now
        for _ in 0..<steps {
            forward(model, &d)
            let t = d.time
            var error = 0.0
            for i in 0..<nv { accel[i] = 0 }
            for (i, j) in armJoints.enumerated() {
                let a = model.joints[j].qposAdr, v = model.joints[j].dofAdr
                let phase = omega * t + phases[i]
                let e = q0[a] + amplitude * sin(phase) - d.qpos[a]
                let edot = amplitude * omega * cos(phase) - d.qvel[v]
                accel[v] = -amplitude * omega * omega * sin(phase) + kp * e + kd * edot
                error = max(error, abs(e))
            }
            maxError = max(maxError, error)
            finalError = error
            for (i, j) in armJoints.enumerated() {
                let v = model.joints[j].dofAdr
                var tau = d.qfrcBias[v] - d.qfrcPassive[v]
                for k in 0..<nv { tau += d.qM[v * nv + k] * accel[k] }
                d.ctrl[i] = tau / model.actuators[i].gear
            }
            step(model, &d)
            if let warning = d.warning { throw RuntimeError("arm7: \(warning)") }
        }
        let elapsed = clock.now - start
        let wall = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18

        printError(String(format: "arm7: tracked %.1f s of motion, max joint error %.2e rad, %.0f steps/s (controller included)",
                          d.time, maxError, Double(steps) / wall))
        var json = JSONLine()
        json.add("job", "arm7-computed-torque")
        json.add("seed", Int(truncatingIfNeeded: seed))
        json.add("steps", steps)
        json.add("simulated_seconds", d.time)
        json.add("max_tracking_error_rad", maxError)
        json.add("final_tracking_error_rad", finalError)
        json.add("wall_seconds", wall)
        json.add("steps_per_second", Double(steps) / wall)
        print(json.text)
    }
}
