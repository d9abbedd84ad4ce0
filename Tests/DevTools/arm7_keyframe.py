"""Joint angles of arm7.xml's "low" keyframe: the grip site at a given point with the "home"
keyframe's hand orientation, by damped least squares on arm7's kinematics (written out from the
MJCF bodies: pos, quat and z-axis hinges) with a null-space pull toward "home".

    python3 Tests/DevTools/arm7_keyframe.py 0.485 0 0.93
"""
import sys
import numpy as np


def quat_matrix(q):
    w, x, y, z = np.array(q, float) / np.linalg.norm(q)
    return np.array([[1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)],
                     [2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)],
                     [2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)]])


def rot_z(a):
    c, s = np.cos(a), np.sin(a)
    return np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])


# (body pos, body quat, has a hinge) from link0 to the hand, as in arm7.xml.
CHAIN = [((0, 0, 0.75), (1, 0, 0, 0), False), ((0, 0, 0.333), (1, 0, 0, 0), True),
         ((0, 0, 0), (1, -1, 0, 0), True), ((0, -0.316, 0), (1, 1, 0, 0), True),
         ((0.0825, 0, 0), (1, 1, 0, 0), True), ((-0.0825, 0.384, 0), (1, -1, 0, 0), True),
         ((0, 0, 0), (1, 1, 0, 0), True), ((0.088, 0, 0), (1, 1, 0, 0), True),
         ((0, 0, 0.107), (0.9238795325112867, 0, 0, -0.3826834323650898), False)]
GRIP = np.array([0, 0, 0.0818])
HOME = np.array([0, -0.785398163, 0, -2.35619449, 0, 1.57079633, 0.785398163])


def grip_pose(q):
    R, p, k = np.eye(3), np.zeros(3), 0
    for pos, quat, hinge in CHAIN:
        p = p + R @ np.array(pos)
        R = R @ quat_matrix(quat)
        if hinge:
            R = R @ rot_z(q[k])
            k += 1
    return p + R @ GRIP, R


def error(q, target, R_home):
    p, R = grip_pose(q)
    spin = 0.5 * sum(np.cross(R[:, i], R_home[:, i]) for i in range(3))
    return np.concatenate([target - p, spin])


def solve(target):
    _, R_home = grip_pose(HOME)
    q = HOME.copy()
    for _ in range(200):
        e = error(q, target, R_home)
        J = np.zeros((6, 7))
        for j in range(7):
            dq = q.copy()
            dq[j] += 1e-6
            J[:, j] = -(error(dq, target, R_home) - e) / 1e-6
        pinv = np.linalg.pinv(J)
        q = q + pinv @ e + 0.1 * (np.eye(7) - pinv @ J) @ (HOME - q)
    return q


if __name__ == "__main__":
    target = np.array([float(v) for v in sys.argv[1:4]])
    q = solve(target)
    p, _ = grip_pose(q)
    print("qpos", " ".join(f"{v:.9f}" for v in q), "0.04 0.04")
    print("grip", p)
