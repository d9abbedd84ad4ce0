#!/usr/bin/env python3
# DEVELOPER SCRIPT, NOT PART OF THE PACKAGE, ITS TESTS OR CI.
#
# Writes seeded random models in MetaRL's MJCF subset (random trees, every orientation form,
# joint kinds, geoms with fromto/mass/density, inertials with diag/full inertia, defaults classes
# and actuators) to Tests/PhysicsTests/Fixtures/mjcf/random_N.xml, keeping only those MuJoCo
# 3.3.0 compiles. Then run make_mjcf_fixtures.py to store MuJoCo's compiled values beside them.
#
#     python3 Tests/DevTools/make_random_mjcf.py && python3 Tests/DevTools/make_mjcf_fixtures.py
import math
import pathlib
import random

import mujoco

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "Tests/PhysicsTests/Fixtures/mjcf"
COUNT = 8


def num(rng, lo, hi):
    return f"{rng.uniform(lo, hi):.6g}"


def vec(rng, n, lo=-1, hi=1):
    return " ".join(num(rng, lo, hi) for _ in range(n))


def orientation(rng, degree):
    kind = rng.choice(["", "quat", "axisangle", "euler", "xyaxes", "zaxis"])
    big = 180 if degree else math.pi
    if kind == "quat":
        return f' quat="{vec(rng, 4)}"'
    if kind == "axisangle":
        return f' axisangle="{vec(rng, 3)} {num(rng, -big, big)}"'
    if kind == "euler":
        return f' euler="{vec(rng, 3, -big, big)}"'
    if kind == "xyaxes":
        return f' xyaxes="{vec(rng, 6)}"'
    if kind == "zaxis":
        return f' zaxis="{vec(rng, 3)}"'
    return ""


def geom(rng, degree, cls):
    t = rng.choice(["sphere", "capsule", "cylinder", "box"])
    attrs = f'type="{t}"'
    if t in ("capsule", "cylinder", "box") and rng.random() < 0.4:
        attrs += f' fromto="{vec(rng, 6, -0.3, 0.3)}" size="{num(rng, 0.01, 0.08)}"'
    else:
        n = {"sphere": 1, "capsule": 2, "cylinder": 2, "box": 3}[t]
        attrs += f' size="{vec(rng, n, 0.01, 0.2)}" pos="{vec(rng, 3, -0.2, 0.2)}"' + orientation(rng, degree)
    r = rng.random()
    if r < 0.25:
        attrs += f' mass="{num(rng, 0.1, 3)}"'
    elif r < 0.5:
        attrs += f' density="{num(rng, 200, 8000)}"'
    if rng.random() < 0.3:
        attrs += f' friction="{vec(rng, rng.randint(1, 3), 0.0001, 1.5)}"'
    if rng.random() < 0.3:
        attrs += f' class="{rng.choice(cls)}"'
    return f"<geom {attrs}/>"


def inertial(rng, degree):
    if rng.random() < 0.5:
        a, b = rng.uniform(0.01, 0.1), rng.uniform(0.01, 0.1)
        c = rng.uniform(abs(a - b) + 1e-3, a + b - 1e-3)
        return (f'<inertial pos="{vec(rng, 3, -0.1, 0.1)}" mass="{num(rng, 0.2, 4)}"'
                f' diaginertia="{a:.6g} {b:.6g} {c:.6g}"{orientation(rng, degree)}/>')
    # fullinertia: a random rotation of valid principal moments.
    q = [rng.gauss(0, 1) for _ in range(4)]
    n = math.sqrt(sum(x * x for x in q))
    w, x, y, z = (v / n for v in q)
    R = [[1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)],
         [2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)],
         [2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)]]
    a, b = rng.uniform(0.02, 0.1), rng.uniform(0.02, 0.1)
    c = rng.uniform(abs(a - b) + 5e-3, a + b - 5e-3)
    d = [a, b, c]
    I = [[sum(R[i][k] * d[k] * R[j][k] for k in range(3)) for j in range(3)] for i in range(3)]
    full = [I[0][0], I[1][1], I[2][2], I[0][1], I[0][2], I[1][2]]
    return (f'<inertial pos="{vec(rng, 3, -0.1, 0.1)}" mass="{num(rng, 0.2, 4)}"'
            f' fullinertia="{" ".join(f"{v:.9g}" for v in full)}"/>')


def body(rng, depth, degree, cls, joints, top):
    lines = [f'<body name="b{rng.randrange(10**9)}" pos="{vec(rng, 3, -0.5, 0.5)}"{orientation(rng, degree)}'
             + (f' childclass="{rng.choice(cls)}"' if rng.random() < 0.2 else "") + ">"]
    kinds = []
    if top and rng.random() < 0.2:
        kinds = ["free"]
    else:
        for _ in range(rng.randint(0, 2)):
            k = rng.choice(["hinge", "hinge", "slide", "ball"])
            if "ball" in kinds and k in ("hinge", "ball"):
                continue
            kinds.append(k)
    for k in kinds:
        name = f"j{len(joints)}"
        joints.append((name, k))
        a = f'name="{name}" type="{k}"'
        if k in ("hinge", "slide"):
            a += f' axis="{vec(rng, 3)}" pos="{vec(rng, 3, -0.1, 0.1)}"'
            lo = rng.uniform(-90, 0) if degree else rng.uniform(-1.5, 0)
            if rng.random() < 0.6:
                a += f' range="{lo:.6g} {-lo / 2:.6g}"'
            if rng.random() < 0.4:
                a += f' ref="{num(rng, -20, 20)}" springref="{num(rng, -20, 20)}" stiffness="{num(rng, 0, 5)}"'
        if k == "ball" and rng.random() < 0.5:
            a += f' range="0 {num(rng, 0.5, 90 if degree else 1.5)}"'
        if rng.random() < 0.5:
            a += f' damping="{num(rng, 0, 2)}" armature="{num(rng, 0, 0.1)}"'
        if rng.random() < 0.3:
            a += f' class="{rng.choice(cls)}"'
        lines.append(f"<joint {a}/>")
    if rng.random() < 0.3:
        lines.append(inertial(rng, degree))
    for _ in range(rng.randint(1, 3)):
        lines.append(geom(rng, degree, cls))
    if rng.random() < 0.4:
        lines.append(f'<site pos="{vec(rng, 3, -0.1, 0.1)}"{orientation(rng, degree)} size="{vec(rng, rng.randint(1, 3), 0.01, 0.05)}"/>')
    if depth < 3:
        for _ in range(rng.randint(0, 2)):
            lines += body(rng, depth + 1, degree, cls, joints, False)
    lines.append("</body>")
    return lines


def model(seed):
    rng = random.Random(seed)
    degree = rng.random() < 0.5
    seq = "".join(rng.choice("xyzXYZ") for _ in range(3))
    while seq[0].lower() == seq[1].lower() or seq[1].lower() == seq[2].lower():
        seq = "".join(rng.choice("xyzXYZ") for _ in range(3))
    cls = ["main", "c1", "c2"]
    lines = [f'<mujoco model="random_{seed}">',
             f'<compiler angle="{"degree" if degree else "radian"}" eulerseq="{seq}"/>',
             "<default>",
             f'<joint damping="{num(rng, 0, 1)}"/><geom density="{num(rng, 300, 3000)}" friction="{num(rng, 0.3, 1)}"/>',
             f'<position kp="{num(rng, 1, 50)}"/>',
             f'<default class="c1"><joint armature="{num(rng, 0, 0.1)}" limited="false"/><geom type="box" size="0.05 0.06 0.07" condim="4"/>'
             f'<velocity kv="{num(rng, 1, 10)}" ctrlrange="-1 1"/></default>',
             f'<default class="c2"><geom type="capsule" size="0.03 0.1" mass="0.5"/><joint stiffness="{num(rng, 0, 3)}"/>'
             f'<motor gear="{num(rng, 0.5, 3)}" forcerange="-5 5"/></default>',
             "</default>", "<worldbody>"]
    joints = []
    for _ in range(rng.randint(1, 3)):
        lines += body(rng, 0, degree, cls, joints, True)
    lines += ["</worldbody>", "<actuator>"]
    for name, kind in joints:
        if kind in ("hinge", "slide") and rng.random() < 0.7:
            el = rng.choice(["motor", "position", "velocity"])
            extra = f' class="{rng.choice(cls)}"' if rng.random() < 0.5 else ""
            lines.append(f'<{el} joint="{name}"{extra}/>')
    lines += ["</actuator>", "</mujoco>"]
    return "\n".join(lines) + "\n"


def main():
    written, seed = 0, 0
    while written < COUNT:
        seed += 1
        xml = model(seed)
        try:
            mujoco.MjModel.from_xml_string(xml)
        except ValueError:
            continue  # MuJoCo rejects it (e.g. a massless moving body): not a reference.
        (OUT / f"random_{written}.xml").write_text(f"<!-- Random reference model (seed {seed}), written by Tests/DevTools/make_random_mjcf.py. -->\n" + xml)
        written += 1


if __name__ == "__main__":
    main()
