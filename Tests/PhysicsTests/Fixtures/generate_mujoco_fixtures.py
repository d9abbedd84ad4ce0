#!/usr/bin/env python3
# DEV TOOL — not run by the tests or CI. Regenerates the MuJoCo 3.3.0 reference fixtures that
# Tests/PhysicsTests/MuJoCoAgreementTests.swift compares against:
#   python3 Tests/PhysicsTests/Fixtures/generate_mujoco_fixtures.py
# Needs the `mujoco` Python package (3.3.0) on the developer's machine; MetaRL never depends on it.
#
# For each model X.xml and integrator I (euler, rk4) it writes X_I.csv: header
# `step,time,qpos_0..`, one row every EVERY steps from the keyframe state (step 0) to STEPS,
# numbers in Python's shortest round-trip form. X_stages.csv holds, at the keyframe state after
# mj_forward, the derived quantities of each pipeline stage (one `name,values...` row each).
import os
import sys
import mujoco
import numpy as np

assert mujoco.__version__ == "3.3.0", mujoco.__version__
HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = ["arm3", "ballchain", "freebody", "slider", "mixed"]
STEPS = 3000
EVERY = 10
# Models whose first quaternion (qpos[0:4]) is scaled off unit norm after the reset.
NONUNIT = {"ballchain": 0.97}
# Constant applied forces set after the reset: qfrc_applied (nv) and xfrc_applied rows
# {body: (fx, fy, fz, tx, ty, tz)}, world frame at the body COM.
APPLIED = {"mixed": ([0, 0, 0, 0, 0, 0, 0.1, -0.05, 0, 0, 0, 0, 0.2, 0],
                     {2: (0.5, -0.3, 1.0, 0.02, 0.01, -0.03), 3: (0, 0.4, 0.2, 0.01, 0, 0)})}


def fmt(x):
    return repr(float(x))


def apply_forces(model, d):
    if model in APPLIED:
        qfrc, xfrc = APPLIED[model]
        d.qfrc_applied[:] = qfrc
        for body, w in xfrc.items():
            d.xfrc_applied[body] = w


def trajectory(model, integrator):
    m = mujoco.MjModel.from_xml_path(os.path.join(HERE, model + ".xml"))
    m.opt.integrator = integrator
    d = mujoco.MjData(m)
    mujoco.mj_resetDataKeyframe(m, d, 0)
    if model in NONUNIT:
        # MuJoCo normalizes keyframe quaternions when compiling; scale one afterwards to exercise
        # the rule that kinematics normalizes copies and the first integration normalizes qpos.
        d.qpos[0:4] *= NONUNIT[model]
    apply_forces(model, d)
    rows = []
    for k in range(STEPS + 1):
        if k % EVERY == 0:
            rows.append([k, d.time] + list(d.qpos))
        if k < STEPS:
            mujoco.mj_step(m, d)
    assert d.warning[mujoco.mjtWarning.mjWARN_BADQACC].number == 0
    header = ["step", "time"] + [f"qpos_{i}" for i in range(m.nq)]
    return header, rows


def stages(model):
    m = mujoco.MjModel.from_xml_path(os.path.join(HERE, model + ".xml"))
    d = mujoco.MjData(m)
    mujoco.mj_resetDataKeyframe(m, d, 0)
    apply_forces(model, d)
    mujoco.mj_forward(m, d)
    full = np.zeros((m.nv, m.nv))
    mujoco.mj_fullM(m, full, d.qM)
    out = {
        "xpos": d.xpos[1:].ravel(), "xquat": d.xquat[1:].ravel(), "xipos": d.xipos[1:].ravel(),
        "xanchor": d.xanchor.ravel(), "xaxis": d.xaxis.ravel(),
        "geom_xpos": d.geom_xpos.ravel(), "geom_xmat": d.geom_xmat.ravel(),
        "site_xpos": d.site_xpos.ravel(), "site_xmat": d.site_xmat.ravel(),
        "subtree_com": d.subtree_com.ravel(), "qM": full.ravel(),
        "qfrc_bias": d.qfrc_bias, "qfrc_passive": d.qfrc_passive,
        "qfrc_actuator": d.qfrc_actuator, "actuator_force": d.actuator_force, "qacc": d.qacc,
        "energy": [], "cvel": d.cvel[1:].ravel(),
    }
    m.opt.enableflags |= mujoco.mjtEnableBit.mjENBL_ENERGY
    mujoco.mj_forward(m, d)
    out["energy"] = d.energy
    return out


def main():
    for model in MODELS:
        for name, integ in [("euler", mujoco.mjtIntegrator.mjINT_EULER), ("rk4", mujoco.mjtIntegrator.mjINT_RK4)]:
            header, rows = trajectory(model, integ)
            with open(os.path.join(HERE, f"{model}_{name}.csv"), "w") as f:
                f.write(",".join(header) + "\n")
                for r in rows:
                    f.write(",".join([str(r[0])] + [fmt(x) for x in r[1:]]) + "\n")
        with open(os.path.join(HERE, f"{model}_stages.csv"), "w") as f:
            for key, values in stages(model).items():
                f.write(",".join([key] + [fmt(x) for x in values]) + "\n")
    print("wrote fixtures to", HERE, file=sys.stderr)


if __name__ == "__main__":
    main()
