#!/usr/bin/env python3
# DEVELOPER SCRIPT, NOT PART OF THE PACKAGE, ITS TESTS OR CI.
#
# Compiles each MJCF reference model with MuJoCo 3.3.0 (the `mujoco` Python package, installed by
# hand on a developer machine) and stores what MuJoCo produced as JSON next to the model, under
# Tests/PhysicsTests/Fixtures/mjcf/. The Swift tests (MJCFReferenceTests) load the same XML with
# MJCF.load and compare field by field. Re-run after changing a model:
#
#     python3 Tests/DevTools/make_mjcf_fixtures.py
#
# Tests never run this script and never need MuJoCo: they read the committed JSON.
import json
import pathlib
import sys

import mujoco

ROOT = pathlib.Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "Tests/PhysicsTests/Fixtures/mjcf"
# Models outside the fixture folder that must also match MuJoCo: (source, fixture name).
EXTERNAL = [(ROOT / "Environments/robots/arm7.xml", "arm7"), (ROOT / "Environments/robots/arm3.xml", "arm3")]


def names(m, objtype, n):
    return [mujoco.mj_id2name(m, objtype, i) or "" for i in range(n)]


def rows(a):
    return [[float(x) for x in r] for r in a]


def flat(a):
    return [float(x) for x in a]


def ints(a):
    return [int(x) for x in a]


def reference(path):
    m = mujoco.MjModel.from_xml_path(str(path))
    o = mujoco.mjtObj
    return {
        "mujoco_version": mujoco.__version__,
        "source": str(path.relative_to(ROOT)),
        "nq": m.nq, "nv": m.nv, "nu": m.nu, "nbody": m.nbody, "njnt": m.njnt, "ngeom": m.ngeom,
        "nsite": m.nsite, "nkey": m.nkey,
        "qpos0": flat(m.qpos0), "qpos_spring": flat(m.qpos_spring),
        "opt_timestep": m.opt.timestep, "opt_gravity": flat(m.opt.gravity),
        "opt_integrator": int(m.opt.integrator), "opt_cone": int(m.opt.cone),
        "opt_iterations": int(m.opt.iterations), "opt_tolerance": m.opt.tolerance, "opt_impratio": m.opt.impratio,
        "body_name": names(m, o.mjOBJ_BODY, m.nbody), "body_parentid": ints(m.body_parentid),
        "body_pos": rows(m.body_pos), "body_quat": rows(m.body_quat), "body_mass": flat(m.body_mass),
        "body_ipos": rows(m.body_ipos), "body_iquat": rows(m.body_iquat), "body_inertia": rows(m.body_inertia),
        "jnt_name": names(m, o.mjOBJ_JOINT, m.njnt), "jnt_type": ints(m.jnt_type), "jnt_bodyid": ints(m.jnt_bodyid),
        "jnt_qposadr": ints(m.jnt_qposadr), "jnt_dofadr": ints(m.jnt_dofadr),
        "jnt_axis": rows(m.jnt_axis), "jnt_pos": rows(m.jnt_pos), "jnt_range": rows(m.jnt_range),
        "jnt_limited": ints(m.jnt_limited), "jnt_stiffness": flat(m.jnt_stiffness), "jnt_margin": flat(m.jnt_margin),
        "jnt_solref": rows(m.jnt_solref), "jnt_solimp": rows(m.jnt_solimp),
        "dof_damping": flat(m.dof_damping), "dof_armature": flat(m.dof_armature), "dof_parentid": ints(m.dof_parentid),
        "geom_name": names(m, o.mjOBJ_GEOM, m.ngeom), "geom_type": ints(m.geom_type), "geom_bodyid": ints(m.geom_bodyid),
        "geom_size": rows(m.geom_size), "geom_pos": rows(m.geom_pos), "geom_quat": rows(m.geom_quat),
        "geom_friction": rows(m.geom_friction), "geom_contype": ints(m.geom_contype),
        "geom_conaffinity": ints(m.geom_conaffinity), "geom_condim": ints(m.geom_condim),
        "geom_priority": ints(m.geom_priority), "geom_solmix": flat(m.geom_solmix), "geom_solref": rows(m.geom_solref),
        "geom_solimp": rows(m.geom_solimp), "geom_margin": flat(m.geom_margin), "geom_gap": flat(m.geom_gap),
        "geom_rgba": rows(m.geom_rgba), "geom_group": ints(m.geom_group),
        "site_name": names(m, o.mjOBJ_SITE, m.nsite), "site_bodyid": ints(m.site_bodyid),
        "site_pos": rows(m.site_pos), "site_quat": rows(m.site_quat), "site_size": rows(m.site_size),
        "actuator_name": names(m, o.mjOBJ_ACTUATOR, m.nu), "actuator_trnid": [int(r[0]) for r in m.actuator_trnid],
        "actuator_gear": [float(r[0]) for r in m.actuator_gear], "actuator_gain": [float(r[0]) for r in m.actuator_gainprm],
        "actuator_bias": [[float(x) for x in r[:3]] for r in m.actuator_biasprm],
        "actuator_gaintype": ints(m.actuator_gaintype), "actuator_biastype": ints(m.actuator_biastype),
        "actuator_ctrlrange": rows(m.actuator_ctrlrange), "actuator_ctrllimited": ints(m.actuator_ctrllimited),
        "actuator_forcerange": rows(m.actuator_forcerange), "actuator_forcelimited": ints(m.actuator_forcelimited),
        "key_name": names(m, o.mjOBJ_KEY, m.nkey), "key_time": flat(m.key_time), "key_qpos": rows(m.key_qpos),
        "key_qvel": rows(m.key_qvel), "key_ctrl": rows(m.key_ctrl),
    }


def main():
    jobs = [(p, p.stem) for p in sorted(FIXTURES.glob("*.xml"))] + EXTERNAL
    for path, name in jobs:
        out = FIXTURES / f"{name}.json"
        out.write_text(json.dumps(reference(path), indent=1) + "\n")
        print(f"{path.relative_to(ROOT)} -> {out.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
