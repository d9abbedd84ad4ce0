#!/usr/bin/env python3
"""Writes Tests/Fixtures/mujoco_collision.json: MuJoCo's own contacts and soft-constraint numbers
for small two-geom scenes, the reference for CollisionMuJoCoTests.

Developer tool only (needs `pip install mujoco==3.3.0`); CI never runs it, the tests read the
committed JSON. Run from the repository root:  python3 Tests/DevTools/mujoco_collision_fixtures.py

Each case puts geom A in the world body and geom B on a free body, runs mj_forward, and records
every contact (geom ids in MuJoCo's order, dist, pos, normal = first row of the contact frame,
the whole frame: normal and two tangents).
The constraint cases also record efc_pos, efc_margin, efc_KBIP, efc_diagApprox and efc_R.
"""
import json
import math
import os

import mujoco
import numpy as np


def quat(axis, angle):
    a = np.asarray(axis, float)
    a = a / np.linalg.norm(a)
    s = math.sin(angle / 2)
    return [math.cos(angle / 2), a[0] * s, a[1] * s, a[2] * s]


def qmul(p, q):
    w1, x1, y1, z1 = p
    w2, x2, y2, z2 = q
    return [w1 * w2 - x1 * x2 - y1 * y2 - z1 * z2,
            w1 * x2 + x1 * w2 + y1 * z2 - z1 * y2,
            w1 * y2 - x1 * z2 + y1 * w2 + z1 * x2,
            w1 * z2 + x1 * y2 - y1 * x2 + z1 * w2]


ID = [1, 0, 0, 0]
SIZE_ATTR = {  # MJCF size attribute per type from our (x, y, z) size
    "plane": lambda s: "5 5 0.1",
    "sphere": lambda s: f"{s[0]!r}",
    "capsule": lambda s: f"{s[0]!r} {s[1]!r}",
    "cylinder": lambda s: f"{s[0]!r} {s[1]!r}",
    "box": lambda s: f"{s[0]!r} {s[1]!r} {s[2]!r}",
}


def vec(v):
    return " ".join(repr(float(x)) for x in v)


def case(name, ta, sa, pa, qa, tb, sb, pb, qb, margin=0.0, extra_b="", option=""):
    sa, pa, qa, sb, pb, qb = ([float(x) for x in v] for v in (sa, pa, qa, sb, pb, qb))
    return dict(name=name, a=dict(type=ta, size=sa, pos=pa, quat=qa), b=dict(type=tb, size=sb, pos=pb, quat=qb),
                margin=margin, extra_b=extra_b, option=option)


CASES = [
    case("plane-sphere", "plane", [0, 0, 0], [0, 0, 0], ID, "sphere", [0.1, 0, 0], [0.3, -0.2, 0.095], ID),
    case("tilted plane-sphere", "plane", [0, 0, 0], [0, 0, 1], quat([1, 0, 0], 0.3),
         "sphere", [0.1, 0, 0], [0.2, -0.2, 1.1], ID, margin=0.2),
    case("plane-box flat", "plane", [0, 0, 0], [0, 0, 0], ID, "box", [0.1, 0.2, 0.3], [1, 2, 0.299], quat([0, 0, 1], 0.7)),
    case("plane-box edge", "plane", [0, 0, 0], [0, 0, 0], ID, "box", [0.1, 0.2, 0.3], [0, 0, 0.35], quat([1, 0, 0], math.pi / 4)),
    case("plane-capsule lying", "plane", [0, 0, 0], [0, 0, 0], ID, "capsule", [0.05, 0.2, 0], [0, 0, 0.045], quat([0, 1, 0], 1.5)),
    case("plane-cylinder standing", "plane", [0, 0, 0], [0, 0, 0], ID, "cylinder", [0.1, 0.2, 0], [0.5, 0, 0.199], ID),
    case("plane-cylinder tipped", "plane", [0, 0, 0], [0, 0, 0], ID, "cylinder", [0.1, 0.2, 0], [0, 0, 0.22], quat([1, 0, 0], 0.5)),
    case("sphere-sphere", "sphere", [0.1, 0, 0], [0.1, 0.2, 0.3], ID, "sphere", [0.2, 0, 0], [0.3, 0.35, 0.4], ID),
    case("sphere-capsule", "sphere", [0.1, 0, 0], [0.14, 0.01, 0.1], ID, "capsule", [0.05, 0.2, 0], [0, 0, 0], quat([1, 1, 0], 0.2)),
    case("capsule-capsule", "capsule", [0.05, 0.3, 0], [0, 0, 0], quat([0, 1, 0], math.pi / 2),
         "capsule", [0.05, 0.3, 0], [0.05, 0.02, 0.09], quat([1, 0, 0], 1.3)),
    case("sphere-box", "box", [0.1, 0.2, 0.3], [0, 0, 0], quat([1, 2, 3], 0.8), "sphere", [0.05, 0, 0], [0.1, 0.15, 0.12], ID),
    case("box-box face", "box", [0.5, 0.5, 0.1], [0, 0, 0], ID, "box", [0.1, 0.1, 0.1], [0.05, -0.1, 0.199], quat([0, 0, 1], 0.3)),
    case("box-box octagon", "box", [0.1, 0.1, 0.1], [0, 0, 0], ID, "box", [0.1, 0.1, 0.1], [0, 0, 0.199], quat([0, 0, 1], math.pi / 4)),
    case("box-box edge", "box", [0.1, 0.1, 0.1], [0, 0, 0], quat([0, 1, 0], math.pi / 4),
         "box", [0.1, 0.1, 0.1], [0.01, 0.02, 2 * 0.1 * math.sqrt(2) - 0.003], quat([1, 0, 0], math.pi / 4)),
    case("capsule-box", "box", [0.5, 0.5, 0.1], [0, 0, 0], ID, "capsule", [0.05, 0.2, 0], [0.1, 0, 0.148], quat([0, 1, 0], 1.5)),
    case("cylinder-box tipped", "box", [0.5, 0.5, 0.1], [0, 0, 0], ID, "cylinder", [0.1, 0.2, 0], [0, 0, 0.32], quat([1, 0, 0], 0.5)),
    case("cylinder-sphere", "cylinder", [0.1, 0.2, 0], [0, 0, 0], ID, "sphere", [0.05, 0, 0], [0.13, 0.02, 0.05], ID),
    case("cylinder-capsule", "cylinder", [0.1, 0.2, 0], [0, 0, 0], ID, "capsule", [0.05, 0.3, 0], [0.14, 0, 0.05], quat([1, 0, 0], math.pi / 2)),
    # Soft-constraint cases (sphere on plane, condim 3 pyramidal: 4 rows).
    case("solref default", "plane", [0, 0, 0], [0, 0, 0], ID, "sphere", [0.1, 0, 0], [0, 0, 0.0996], ID),
    case("solref refsafe", "plane", [0, 0, 0], [0, 0, 0], ID, "sphere", [0.1, 0, 0], [0, 0, 0.0996], ID,
         extra_b='solref="0.001 0.7"'),
    case("solref direct + solimp", "plane", [0, 0, 0], [0, 0, 0], ID, "sphere", [0.1, 0, 0], [0, 0, 0.096], ID,
         extra_b='solref="-1000 -50" solimp="0.8 0.95 0.01 0.3 3"'),
    case("solimp margin", "plane", [0, 0, 0], [0, 0, 0], ID, "sphere", [0.1, 0, 0], [0, 0, 0.1012], ID, margin=0.002,
         extra_b='solimp="0.7 0.9 0.004 0.6 2.5"'),
]


def run(c):
    a, b = c["a"], c["b"]
    ga = f'<geom name="A" type="{a["type"]}" size="{SIZE_ATTR[a["type"]](a["size"])}" pos="{vec(a["pos"])}" quat="{vec(a["quat"])}" margin="{c["margin"]!r}"/>'
    gb = (f'<geom name="B" type="{b["type"]}" size="{SIZE_ATTR[b["type"]](b["size"])}" margin="{c["margin"]!r}" '
          f'{c["extra_b"]}/>')
    xml = f"""<mujoco><option gravity="0 0 0" {c['option']}/><worldbody>{ga}
      <body pos="{vec(b['pos'])}" quat="{vec(b['quat'])}"><freejoint/>{gb}</body></worldbody></mujoco>"""
    m = mujoco.MjModel.from_xml_string(xml)
    d = mujoco.MjData(m)
    mujoco.mj_forward(m, d)
    contacts = []
    for i in range(d.ncon):
        con = d.contact[i]
        contacts.append(dict(geom1=int(con.geom1), geom2=int(con.geom2), dist=float(con.dist),
                             pos=[float(x) for x in con.pos], normal=[float(x) for x in con.frame[:3]],
                             frame=[float(x) for x in con.frame]))
    out = dict(name=c["name"], a=a, b=b, margin=c["margin"], contacts=contacts,
               timestep=float(m.opt.timestep),
               geom_solref=[float(x) for x in m.geom_solref[1]], geom_solimp=[float(x) for x in m.geom_solimp[1]])
    if d.nefc:
        out["efc"] = dict(pos=d.efc_pos[:d.nefc].tolist(), margin=d.efc_margin[:d.nefc].tolist(),
                          KBIP=d.efc_KBIP[:d.nefc].tolist(), diagApprox=d.efc_diagApprox[:d.nefc].tolist(),
                          R=d.efc_R[:d.nefc].tolist())
    return out


RANDOM_PAIRS = [("plane", "sphere"), ("plane", "capsule"), ("plane", "cylinder"), ("plane", "box"),
                ("sphere", "sphere"), ("sphere", "capsule"), ("sphere", "cylinder"), ("sphere", "box"),
                ("capsule", "capsule"), ("capsule", "cylinder"), ("capsule", "box"),
                ("cylinder", "cylinder"), ("cylinder", "box"), ("box", "box")]


def support(t, size, R, u):
    """Support value of a shape at the origin with rotation R along unit u (world)."""
    l = R.T @ u
    r, h = size[0], size[1]
    if t == "sphere":
        return r
    if t == "capsule":
        return abs(l[2]) * h + r
    if t == "cylinder":
        return math.hypot(l[0], l[1]) * r + abs(l[2]) * h
    return abs(l[0]) * size[0] + abs(l[1]) * size[1] + abs(l[2]) * size[2]


def random_cases(per_pair=30, seed=2024):
    """Random near-touching configurations: B at a random direction from A, at 0.7–1.05 of the
    touching distance (planes: B above the plane at that fraction of its reach)."""
    rng = np.random.default_rng(seed)
    cases = []
    for ta, tb in RANDOM_PAIRS:
        for k in range(per_pair):
            def rand_quat():
                q = rng.normal(size=4)
                return list(q / np.linalg.norm(q))
            sa = list(rng.uniform(0.05, 0.3, 3)) if ta != "plane" else [0, 0, 0]
            sb = list(rng.uniform(0.05, 0.3, 3))
            qa, qb = rand_quat(), rand_quat()
            Ra, Rb = np.zeros(9), np.zeros(9)
            mujoco.mju_quat2Mat(Ra, np.array(qa)); mujoco.mju_quat2Mat(Rb, np.array(qb))
            Ra, Rb = Ra.reshape(3, 3), Rb.reshape(3, 3)
            pa = rng.uniform(-1, 1, 3)
            if ta == "plane":
                n = Ra[:, 2]
                reach = support(tb, sb, Rb, -n)
                pb = pa + reach * rng.uniform(0.7, 1.05) * n + rng.uniform(-1, 1) * Ra[:, 0]
            else:
                u = rng.normal(size=3); u /= np.linalg.norm(u)
                reach = support(ta, sa, Ra, u) + support(tb, sb, Rb, -u)
                pb = pa + reach * rng.uniform(0.7, 1.05) * u
            cases.append(case(f"random {ta}-{tb} {k}", ta, sa, list(pa), qa, tb, sb, list(pb), qb, margin=0.01))
    return cases


def main():
    assert mujoco.__version__ == "3.3.0", f"fixtures are for MuJoCo 3.3.0, found {mujoco.__version__}"
    result = dict(generator="Tests/DevTools/mujoco_collision_fixtures.py", mujoco=mujoco.__version__,
                  cases=[run(c) for c in CASES], random=[run(c) for c in random_cases()])
    path = os.path.join("Tests", "Fixtures", "mujoco_collision.json")
    # One case per line: compact, yet a regenerated fixture diffs case by case.
    def dump(v):
        return json.dumps(v, separators=(",", ":"))
    with open(path, "w") as f:
        f.write('{"generator":%s,"mujoco":%s,\n"cases":[\n' % (dump(result["generator"]), dump(result["mujoco"])))
        f.write(",\n".join(dump(c) for c in result["cases"]))
        f.write('],\n"random":[\n')
        f.write(",\n".join(dump(c) for c in result["random"]))
        f.write("]}\n")
    for c in result["cases"]:
        print(f'{c["name"]:28s} ncon={len(c["contacts"])} dists={[round(x["dist"], 6) for x in c["contacts"]]}')
    print(len(result["random"]), "random cases,", sum(1 for c in result["random"] if c["contacts"]), "with contacts")


if __name__ == "__main__":
    main()
