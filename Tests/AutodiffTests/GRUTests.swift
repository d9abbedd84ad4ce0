import Foundation
import Testing
import Autodiff
import TestSupport

@Suite("GRU")
struct GRUTests {
    let I = 3, H = 4, B = 2, steps = 5

    func parameters(_ rng: inout TestRNG) -> Parameters<Double> {
        let h3 = 3 * H
        return Parameters(names: ["gru.input_weight", "gru.input_bias", "gru.hidden_weight", "gru.hidden_bias"],
                          tensors: [randomTensor([I, h3], &rng), randomTensor([h3], &rng, -0.5, 0.5),
                                    randomTensor([H, h3], &rng), randomTensor([h3], &rng, -0.5, 0.5)])
    }

    @Test("one step follows PyTorch's gate equations, computed here scalar by scalar")
    func gateConvention() {
        var rng = TestRNG(seed: 1)
        let θ = parameters(&rng)
        let x = randomTensor([B, I], &rng), h = randomTensor([B, H], &rng)
        let gru = GRU<Double>(inputSize: I, hiddenSize: H)
        let got = gru.step(inputGates: x.affine(θ.tensors[0], θ.tensors[1]), hidden: h, parameters: θ)
        let wi = θ.tensors[0].scalars, bi = θ.tensors[1].scalars, wh = θ.tensors[2].scalars, bh = θ.tensors[3].scalars
        func sigmoid(_ v: Double) -> Double { 1 / (1 + exp(-v)) }
        for b in 0..<B {
            for j in 0..<H {
                // Gate g's unit j is column g·H + j of the [·, 3H] weights.
                func pre(_ gate: Int) -> (Double, Double) {
                    var fromInput = bi[gate * H + j], fromHidden = bh[gate * H + j]
                    for k in 0..<I { fromInput += x.scalars[b * I + k] * wi[k * 3 * H + gate * H + j] }
                    for k in 0..<H { fromHidden += h.scalars[b * H + k] * wh[k * 3 * H + gate * H + j] }
                    return (fromInput, fromHidden)
                }
                let (ri, rh) = pre(0), (zi, zh) = pre(1), (ni, nh) = pre(2)
                let r = sigmoid(ri + rh), z = sigmoid(zi + zh)
                let n = tanh(ni + r * nh)
                let expected = (1 - z) * n + z * h.scalars[b * H + j]
                #expect(abs(got.scalars[b * H + j] - expected) < 1e-12)
            }
        }
    }

    @Test("backpropagation through time matches finite differences (parameters, inputs, initial state)")
    func bptt() {
        var rng = TestRNG(seed: 2)
        let θ = parameters(&rng)
        let inputs = randomTensor([steps * B, I], &rng), h0 = randomTensor([B, H], &rng, -0.5, 0.5)
        let gru = GRU<Double>(inputSize: I, hiddenSize: H)
        checkDerivatives("GRU.unroll", [inputs, h0] + θ.tensors) { xs in
            gru.unroll(xs[0], batch: B, steps: steps, initial: xs[1],
                       parameters: Parameters(names: θ.names, tensors: Array(xs[2...])))
        }
    }

    @Test("truncation cuts the gradient path k steps back, and only there")
    func truncation() {
        var rng = TestRNG(seed: 3)
        let θ = parameters(&rng)
        let gru = GRU<Double>(inputSize: I, hiddenSize: H)
        let inputs = randomTensor([steps * B, I], &rng).requiringGradient()
        func inputGradient(_ k: Int?) -> [Double] {
            let states = gru.unroll(inputs, batch: B, steps: steps, initial: Tensor.zeros(.matrix(B, H)), parameters: θ, truncation: k)
            // The loss reads only the last step's state.
            let last = states.rows(((steps - 1) * B)..<(steps * B)).sum()
            return gradients(of: last, wrt: [inputs])[0].scalars
        }
        let full = inputGradient(nil), cut = inputGradient(2)
        // Detached after steps 2 and 4 (0-based t = 2, 4): the last state (t = 4) sees inputs t = 4 only.
        for t in 0..<steps {
            let rows = (t * B * I)..<((t + 1) * B * I)
            let fullNorm = full[rows].map(abs).max()!, cutNorm = cut[rows].map(abs).max()!
            #expect(fullNorm > 1e-6, "step \(t) reaches the loss without truncation")
            if t < 4 { #expect(cutNorm == 0, "step \(t): \(cutNorm)") } else { #expect(abs(cutNorm - fullNorm) < 1e-15) }
        }
    }

    @Test("the policy's step-by-step means equal its unrolled means, bit for bit (Float)")
    func stepEqualsUnroll() {
        var rng = TestRNG(seed: 4)
        let policy = GaussianGRUPolicy<Float>(inputSize: I, hiddenSize: 16, actionSize: 2, initialStd: 0.5, using: &rng)
        let n = 7, rows = 3
        let inputs = randomTensor([n * rows, I], &rng).converted(to: Float.self)
        let (unrolled, logStd) = policy.distribution(inputs, batch: rows, steps: n, parameters: policy.parameters)
        var h = policy.initialState(batch: rows)
        var stepped: [Float] = []
        for t in 0..<n {
            let out = policy.step(inputs.rows((t * rows)..<((t + 1) * rows)), hidden: h, parameters: policy.parameters)
            h = out.hidden
            stepped += out.mean.scalars
        }
        #expect(stepped == unrolled.scalars)
        #expect(logStd.scalars == [Float](repeating: log(0.5), count: 2))
        #expect(policy.parameters.names == ["gru.input_weight", "gru.input_bias", "gru.hidden_weight", "gru.hidden_bias",
                                            "head.weight", "head.bias", "log_std"])
    }
}
