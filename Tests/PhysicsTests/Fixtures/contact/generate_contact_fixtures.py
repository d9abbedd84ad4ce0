#!/usr/bin/env python3
# DEV TOOL — not run by the tests or CI. Regenerates the MuJoCo 3.3.0 reference trajectories for
# Tests/PhysicsTests/ContactAgreementTests.swift:
#   python3 Tests/PhysicsTests/Fixtures/contact/generate_contact_fixtures.py
# Needs the `mujoco` Python package (3.3.0) on the developer's machine; MetaRL never depends on it.
# Each X.xml gives X.csv: header `step,time,qpos_0..`, a row every EVERY steps from the first
# keyframe (or qpos0) to STEPS, with the default solver settings.
import os, mujoco
assert mujoco.__version__ == "3.3.0", mujoco.__version__
HERE = os.path.dirname(os.path.abspath(__file__))
STEPS, EVERY = 2000, 10
for name in sorted(f[:-4] for f in os.listdir(HERE) if f.endswith(".xml")):
    m = mujoco.MjModel.from_xml_path(os.path.join(HERE, name + ".xml"))
    d = mujoco.MjData(m)
    if m.nkey:
        mujoco.mj_resetDataKeyframe(m, d, 0)
    rows = []
    for k in range(STEPS + 1):
        if k % EVERY == 0:
            rows.append(",".join([str(k), repr(float(d.time))] + [repr(float(x)) for x in d.qpos]))
        if k < STEPS:
            mujoco.mj_step(m, d)
    with open(os.path.join(HERE, name + ".csv"), "w") as f:
        f.write(",".join(["step", "time"] + [f"qpos_{i}" for i in range(m.nq)]) + "\n")
        f.write("\n".join(rows) + "\n")
    print(name, m.nq, "ok")
