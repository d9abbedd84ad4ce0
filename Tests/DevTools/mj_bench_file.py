#!/usr/bin/env python3
# DEV TOOL — not run by tests or CI: MuJoCo 3.3.0 reference speed for BENCHMARKS.md.
#   python3 Tests/DevTools/mj_bench_file.py FILE.xml [STEPS]
# Dev-only: MuJoCo 3.3.0 single-thread speed on an MJCF file from its first keyframe (rollout: C loop).
import mujoco, numpy as np, sys, time
from mujoco import rollout
path = sys.argv[1]; N = int(sys.argv[2]) if len(sys.argv) > 2 else 100000
m = mujoco.MjModel.from_xml_path(path); d = mujoco.MjData(m)
if m.nkey: mujoco.mj_resetDataKeyframe(m, d, 0)
st = np.zeros(mujoco.mj_stateSize(m, mujoco.mjtState.mjSTATE_FULLPHYSICS))
mujoco.mj_getState(m, d, st, mujoco.mjtState.mjSTATE_FULLPHYSICS)
ctrl = np.tile(d.ctrl, (N, 1))[None] if m.nu else None
best = 0
for _ in range(3):
    t = time.perf_counter(); rollout.rollout(m, d, st[None, :], control=ctrl, nstep=N); dt = time.perf_counter() - t
    best = max(best, N / dt)
print(f"{path}: MuJoCo 3.3.0 rollout {best/1e3:.1f} k steps/s (best of 3, {N} steps)")
