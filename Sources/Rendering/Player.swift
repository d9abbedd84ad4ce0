import Foundation
import Numerics

// The HTML player: one self-contained page (no network) holding the recorded scene as JSON and
// a small WebGL 1 renderer with orbit, zoom, pan, play/pause and a time slider. Its projection,
// lighting and blending are the rasterizer's (Rasterizer.swift), so the page shows what a still
// shows. `#still=K` in the address draws frame K with no controls: the headless-browser check
// (.ci/render-check) screenshots that and compares it with the PNG of the same frame.

public enum Player {
    /// The page for `scene`.
    public static func html(_ scene: RenderScene, title: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escapeHTML(title))</title>
        <style>\(css)</style></head>
        <body>
        <canvas id="view"></canvas>
        <div id="info" class="ui"><h1>\(escapeHTML(title))</h1><table>\(scene.info.map { "<tr><th>\(escapeHTML($0.label))</th><td>\(escapeHTML($0.value))</td></tr>" }.joined())</table>
        <p class="hint">drag: orbit · right- or shift-drag: pan · wheel: zoom · space: play/pause · ←/→: step · r: reset view</p></div>
        <div id="bar" class="ui"><button id="play" title="play/pause (space)">▶</button><input id="slider" type="range" min="0" value="0" step="1">
        <span id="clock"></span><select id="speed" title="playback speed"><option value="0.25">0.25×</option><option value="0.5">0.5×</option><option value="1" selected>1×</option><option value="2">2×</option></select></div>
        <div id="nogl" hidden>This page needs WebGL, which this browser does not offer.</div>
        <script type="application/json" id="scene">\(sceneJSON(scene))</script>
        <script>\(script)</script>
        </body></html>

        """
    }

    /// The scene as JSON: shading constants, camera, meshes, fixed poses, and frame-major poses
    /// (x, y, z, qw, qx, qy, qz per moving shape per frame).
    static func sceneJSON(_ scene: RenderScene) -> String {
        var s = "{"
        let c = scene.camera
        s += "\"camera\":{\"target\":[\(n(c.target.x)),\(n(c.target.y)),\(n(c.target.z))],\"azimuth\":\(n(c.azimuth)),"
        s += "\"elevation\":\(n(c.elevation)),\"distance\":\(n(c.distance)),\"fovy\":\(n(c.fovy))},"
        s += "\"near\":\(n(Camera.near)),\"far\":\(n(Camera.far)),"
        let b = Shading.background, l = Shading.light
        s += "\"background\":[\(n(b.x)),\(n(b.y)),\(n(b.z))],\"light\":[\(n(l.x, 7)),\(n(l.y, 7)),\(n(l.z, 7))],"
        s += "\"ambient\":\(n(Shading.ambient)),\"diffuse\":\(n(Shading.diffuse)),"
        s += "\"shapes\":["
        for (k, shape) in scene.shapes.enumerated() {
            precondition(shape.mesh.vertexCount < 65536, "Player: mesh \(shape.name) has too many vertices for 16-bit indices")
            if k > 0 { s += "," }
            let col = shape.color
            s += "{\"name\":\(quote(shape.name)),\"color\":[\(n(col.x)),\(n(col.y)),\(n(col.z)),\(n(col.w))],"
            s += "\"positions\":[\(shape.mesh.positions.map { n($0, 5) }.joined(separator: ","))],"
            s += "\"normals\":[\(shape.mesh.normals.map { n($0, 4) }.joined(separator: ","))],"
            s += "\"indices\":[\(shape.mesh.indices.map(String.init).joined(separator: ","))]"
            if let p = shape.fixedPose { s += ",\"pose\":[\(poseNumbers(p))]" }
            s += "}"
        }
        s += "],\"moving\":[\(scene.moving.map(String.init).joined(separator: ","))],"
        s += "\"times\":[\(scene.times.map { n($0, 5) }.joined(separator: ","))],"
        s += "\"poses\":[\(scene.framePoses.map(poseNumbers).joined(separator: ","))]}"
        return s
    }

    static func poseNumbers(_ p: Pose) -> String {
        let q = p.orientation
        return [p.position.x, p.position.y, p.position.z].map { n($0, 5) }.joined(separator: ",") + ","
            + [q.w, q.x, q.y, q.z].map { n($0, 6) }.joined(separator: ",")
    }

    /// A number with at most `digits` decimals, trailing zeros dropped (JSON has no -0 issue:
    /// "-0" parses as 0).
    static func n(_ v: Double, _ digits: Int = 4) -> String {
        precondition(v.isFinite, "Player: a non-finite number in the scene")
        var text = String(format: "%.\(digits)f", v)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text == "-0" ? "0" : text
    }
    static func n(_ v: Float, _ digits: Int = 4) -> String { n(Double(v), digits) }

    /// A JSON string that is also safe inside a <script> element.
    static func quote(_ text: String) -> String {
        var out = "\""
        for u in text.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "<": out += "\\u003c"
            case ">": out += "\\u003e"
            case "&": out += "\\u0026"
            default:
                if u.value < 0x20 { out += String(format: "\\u%04x", u.value) } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }

    static func escapeHTML(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static let css = """
    html,body{margin:0;height:100%;overflow:hidden;background:#eef2f7;font:13px system-ui,sans-serif;color:#222}
    canvas{display:block;width:100%;height:100%;touch-action:none}
    .ui{position:absolute;background:rgba(255,255,255,.85);border-radius:6px;padding:6px 10px;box-shadow:0 1px 3px rgba(0,0,0,.2)}
    #info{top:8px;left:8px;max-width:46%}
    #info h1{font-size:14px;margin:0 0 4px}
    #info th{text-align:left;padding-right:8px;font-weight:600;vertical-align:top}
    #info td{font-family:ui-monospace,monospace;font-size:12px;word-break:break-all}
    .hint{margin:4px 0 0;color:#555;font-size:11px}
    #bar{left:8px;right:8px;bottom:8px;display:flex;gap:10px;align-items:center}
    #bar input{flex:1}
    #bar button{width:34px;font-size:14px}
    #clock{font-family:ui-monospace,monospace;min-width:12ch}
    #nogl{position:absolute;top:40%;width:100%;text-align:center;font-size:16px}
    body.still .ui{display:none !important}
    """

    static let script = #"""
    "use strict";
    (function () {
      const S = JSON.parse(document.getElementById("scene").textContent);
      const still = /^#still=(\d+)$/.exec(location.hash);
      if (still) document.body.classList.add("still");
      const canvas = document.getElementById("view");
      const gl = canvas.getContext("webgl", {antialias: !still, alpha: false, preserveDrawingBuffer: true});
      if (!gl) { document.getElementById("nogl").hidden = false; document.title = "metarl render: no WebGL"; return; }

      const vs = "attribute vec3 aPos; attribute vec3 aNormal; uniform mat4 uMV; uniform mat4 uP; uniform mat3 uN;" +
        "varying vec3 vN; void main() { vN = uN * aNormal; gl_Position = uP * (uMV * vec4(aPos, 1.0)); }";
      const fs = "precision highp float; uniform vec4 uColor; uniform vec3 uLight; uniform float uAmbient; uniform float uDiffuse;" +
        "varying vec3 vN; void main() { vec3 n = normalize(vN); if (!gl_FrontFacing) n = -n;" +
        "float d = max(dot(n, uLight), 0.0); gl_FragColor = vec4(uColor.rgb * (uAmbient + uDiffuse * d), uColor.a); }";
      function compile(type, text) {
        const s = gl.createShader(type); gl.shaderSource(s, text); gl.compileShader(s);
        if (!gl.getShaderParameter(s, gl.COMPILE_STATUS)) throw new Error(gl.getShaderInfoLog(s));
        return s;
      }
      const program = gl.createProgram();
      gl.attachShader(program, compile(gl.VERTEX_SHADER, vs));
      gl.attachShader(program, compile(gl.FRAGMENT_SHADER, fs));
      gl.linkProgram(program);
      if (!gl.getProgramParameter(program, gl.LINK_STATUS)) throw new Error(gl.getProgramInfoLog(program));
      gl.useProgram(program);
      const loc = {};
      for (const a of ["aPos", "aNormal"]) loc[a] = gl.getAttribLocation(program, a);
      for (const u of ["uMV", "uP", "uN", "uColor", "uLight", "uAmbient", "uDiffuse"]) loc[u] = gl.getUniformLocation(program, u);
      gl.uniform3fv(loc.uLight, S.light);
      gl.uniform1f(loc.uAmbient, S.ambient);
      gl.uniform1f(loc.uDiffuse, S.diffuse);

      const shapes = S.shapes.map(function (s) {
        const position = gl.createBuffer(), normal = gl.createBuffer(), index = gl.createBuffer();
        gl.bindBuffer(gl.ARRAY_BUFFER, position); gl.bufferData(gl.ARRAY_BUFFER, new Float32Array(s.positions), gl.STATIC_DRAW);
        gl.bindBuffer(gl.ARRAY_BUFFER, normal); gl.bufferData(gl.ARRAY_BUFFER, new Float32Array(s.normals), gl.STATIC_DRAW);
        gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, index); gl.bufferData(gl.ELEMENT_ARRAY_BUFFER, new Uint16Array(s.indices), gl.STATIC_DRAW);
        return {name: s.name, color: s.color, pose: s.pose, position: position, normal: normal, index: index, count: s.indices.length};
      });
      const slotOf = {};
      S.moving.forEach(function (k, slot) { slotOf[k] = slot; });
      const frames = S.times.length;

      // Camera: the same orbit formulas as Camera.swift.
      let cam = JSON.parse(JSON.stringify(S.camera));
      const rad = Math.PI / 180;
      function eye(c) {
        const a = c.azimuth * rad, e = c.elevation * rad;
        return [c.target[0] + c.distance * Math.cos(e) * Math.cos(a), c.target[1] + c.distance * Math.cos(e) * Math.sin(a),
                c.target[2] + c.distance * Math.sin(e)];
      }
      function viewRows(c) {  // rows: right, up, back
        const p = eye(c);
        const back = [(p[0] - c.target[0]) / c.distance, (p[1] - c.target[1]) / c.distance, (p[2] - c.target[2]) / c.distance];
        let right = [-back[1], back[0], 0];
        const len = Math.hypot(right[0], right[1]);
        right = len > 1e-9 ? [right[0] / len, right[1] / len, 0] : [1, 0, 0];
        const up = [back[1] * right[2] - back[2] * right[1], back[2] * right[0] - back[0] * right[2], back[0] * right[1] - back[1] * right[0]];
        return [right, up, back, p];
      }
      function quatMatrix(w, x, y, z) {  // row-major 3×3
        return [1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y),
                2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x),
                2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)];
      }
      function poseOf(k, f) {
        const s = shapes[k];
        if (s.pose) return s.pose;
        const o = (f * S.moving.length + slotOf[k]) * 7;
        return S.poses.slice(o, o + 7);
      }

      let frame = 0, playing = false, clock = 0, last = null;
      const slider = document.getElementById("slider"), play = document.getElementById("play");
      const clockText = document.getElementById("clock"), speed = document.getElementById("speed");
      slider.max = Math.max(frames - 1, 0);
      const duration = frames > 0 ? S.times[frames - 1] - S.times[0] : 0;

      function draw() {
        const dpr = still ? 1 : (window.devicePixelRatio || 1);
        const w = Math.max(1, Math.round(canvas.clientWidth * dpr)), h = Math.max(1, Math.round(canvas.clientHeight * dpr));
        if (canvas.width !== w || canvas.height !== h) { canvas.width = w; canvas.height = h; }
        gl.viewport(0, 0, w, h);
        gl.clearColor(S.background[0], S.background[1], S.background[2], 1);
        gl.clear(gl.COLOR_BUFFER_BIT | gl.DEPTH_BUFFER_BIT);
        gl.enable(gl.DEPTH_TEST); gl.depthFunc(gl.LESS); gl.disable(gl.CULL_FACE);
        const f = 1 / Math.tan(cam.fovy * Math.PI / 360), aspect = w / h, n = S.near, fa = S.far;
        gl.uniformMatrix4fv(loc.uP, false, new Float32Array([f / aspect, 0, 0, 0, 0, f, 0, 0, 0, 0, (fa + n) / (n - fa), -1,
                                                             0, 0, 2 * fa * n / (n - fa), 0]));
        const V = viewRows(cam), E = V[3];
        const order = [];
        shapes.forEach(function (s, k) { if (s.color[3] >= 1) order.push(k); });
        const translucent = [];
        shapes.forEach(function (s, k) { if (s.color[3] < 1) translucent.push(k); });
        function depthOf(k) { const p = poseOf(k, frame); return V[2][0] * (p[0] - E[0]) + V[2][1] * (p[1] - E[1]) + V[2][2] * (p[2] - E[2]); }
        translucent.sort(function (a, b) { return depthOf(a) - depthOf(b); });
        gl.disable(gl.BLEND); gl.depthMask(true);
        for (const k of order.concat(translucent)) {
          const s = shapes[k], p = poseOf(k, frame);
          if (s.color[3] < 1) { gl.enable(gl.BLEND); gl.blendFunc(gl.SRC_ALPHA, gl.ONE_MINUS_SRC_ALPHA); gl.depthMask(false); }
          const R = quatMatrix(p[3], p[4], p[5], p[6]);
          const M = [];  // view rotation × pose rotation, row-major
          for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) M.push(V[i][0] * R[j] + V[i][1] * R[3 + j] + V[i][2] * R[6 + j]);
          const d = [p[0] - E[0], p[1] - E[1], p[2] - E[2]];
          const t = [0, 1, 2].map(function (i) { return V[i][0] * d[0] + V[i][1] * d[1] + V[i][2] * d[2]; });
          gl.uniformMatrix4fv(loc.uMV, false, new Float32Array([M[0], M[3], M[6], 0, M[1], M[4], M[7], 0, M[2], M[5], M[8], 0, t[0], t[1], t[2], 1]));
          gl.uniformMatrix3fv(loc.uN, false, new Float32Array([M[0], M[3], M[6], M[1], M[4], M[7], M[2], M[5], M[8]]));
          gl.uniform4fv(loc.uColor, s.color);
          gl.bindBuffer(gl.ARRAY_BUFFER, s.position); gl.enableVertexAttribArray(loc.aPos);
          gl.vertexAttribPointer(loc.aPos, 3, gl.FLOAT, false, 0, 0);
          gl.bindBuffer(gl.ARRAY_BUFFER, s.normal); gl.enableVertexAttribArray(loc.aNormal);
          gl.vertexAttribPointer(loc.aNormal, 3, gl.FLOAT, false, 0, 0);
          gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, s.index);
          gl.drawElements(gl.TRIANGLES, s.count, gl.UNSIGNED_SHORT, 0);
        }
        gl.disable(gl.BLEND); gl.depthMask(true);
        slider.value = frame;
        const now = frames > 0 ? S.times[frame] - S.times[0] : 0;
        clockText.textContent = "t " + now.toFixed(2) + " / " + duration.toFixed(2) + " s  (" + (frame + 1) + "/" + frames + ")";
      }

      function setFrame(f) { frame = Math.max(0, Math.min(frames - 1, f)); clock = frames > 0 ? S.times[frame] - S.times[0] : 0; draw(); }
      function toggle() {
        playing = !playing;
        if (playing && frame >= frames - 1) setFrame(0);
        play.textContent = playing ? "❚❚" : "▶";
        last = null;
        if (playing) requestAnimationFrame(tick);
      }
      function tick(ms) {
        if (!playing) return;
        if (last !== null) clock += (ms - last) / 1000 * parseFloat(speed.value);
        last = ms;
        let f = frame;
        while (f + 1 < frames && S.times[f + 1] - S.times[0] <= clock) f++;
        frame = f;
        draw();
        if (frame >= frames - 1) { playing = false; play.textContent = "▶"; return; }
        requestAnimationFrame(tick);
      }
      play.addEventListener("click", toggle);
      slider.addEventListener("input", function () { playing = false; play.textContent = "▶"; setFrame(parseInt(slider.value, 10)); });

      let drag = null;
      canvas.addEventListener("contextmenu", function (e) { e.preventDefault(); });
      canvas.addEventListener("pointerdown", function (e) {
        drag = {x: e.clientX, y: e.clientY, pan: e.button === 2 || e.shiftKey}; canvas.setPointerCapture(e.pointerId);
      });
      canvas.addEventListener("pointerup", function () { drag = null; });
      canvas.addEventListener("pointermove", function (e) {
        if (!drag) return;
        const dx = e.clientX - drag.x, dy = e.clientY - drag.y;
        drag.x = e.clientX; drag.y = e.clientY;
        if (drag.pan) {
          const V = viewRows(cam), k = cam.distance * 0.0015;
          for (let i = 0; i < 3; i++) cam.target[i] += -dx * k * V[0][i] + dy * k * V[1][i];
        } else {
          cam.azimuth -= dx * 0.4;
          cam.elevation = Math.max(-89, Math.min(89, cam.elevation + dy * 0.4));
        }
        draw();
      });
      canvas.addEventListener("wheel", function (e) {
        e.preventDefault();
        cam.distance = Math.max(0.1, Math.min(20, cam.distance * Math.exp(e.deltaY * 0.001)));
        draw();
      }, {passive: false});
      window.addEventListener("keydown", function (e) {
        if (e.key === " ") { e.preventDefault(); toggle(); }
        else if (e.key === "ArrowRight") { playing = false; play.textContent = "▶"; setFrame(frame + 1); }
        else if (e.key === "ArrowLeft") { playing = false; play.textContent = "▶"; setFrame(frame - 1); }
        else if (e.key === "r") { cam = JSON.parse(JSON.stringify(S.camera)); draw(); }
      });
      window.addEventListener("resize", draw);

      if (still) {
        setFrame(parseInt(still[1], 10));
        document.title = "metarl render: frame " + frame + " drawn";
      } else {
        setFrame(0);
      }
    })();
    """#
}
