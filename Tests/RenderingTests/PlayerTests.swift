import Foundation
import Testing
import Numerics
@testable import Rendering

@Suite("HTML player")
struct PlayerTests {
    private func sample() -> RenderScene {
        var s = RenderScene(camera: .tabletop)
        s.add(RenderShape(name: "floor </script><b>", mesh: .plane(halfX: 1, halfY: 1, cells: 2), color: SIMD4(0.8, 0.8, 0.8, 1), fixedPose: .identity))
        s.add(RenderShape(name: "ball", mesh: .sphere(radius: 0.05, slices: 6, stacks: 4), color: SIMD4(1, 0, 0, 1)))
        s.add(RenderShape(name: "cube", mesh: .box(half: Vec3(0.1, 0.1, 0.1)), color: SIMD4(0, 0, 1, 0.5)))
        for f in 0..<3 {
            s.appendFrame(time: 0.0125 * Double(f), poses: [
                Pose(position: Vec3(0.1 * Double(f), -0.123456789, 1), orientation: Quat(axis: .unitZ, angle: 0.3 * Double(f))),
                Pose(position: Vec3(0, 0, 0.5), orientation: .identity),
            ])
        }
        s.info = [("env", "reach"), ("outcome", "a < b & c")]
        return s
    }

    @Test("the page embeds the scene as JSON that parses back to the shapes, frames and poses")
    func sceneData() throws {
        let scene = sample()
        let html = Player.html(scene, title: "t")
        let start = try #require(html.range(of: "<script type=\"application/json\" id=\"scene\">"))
        let end = try #require(html.range(of: "</script>", range: start.upperBound..<html.endIndex))
        let object = try JSONSerialization.jsonObject(with: Data(html[start.upperBound..<end.lowerBound].utf8)) as! [String: Any]
        let shapes = object["shapes"] as! [[String: Any]]
        #expect(shapes.map { $0["name"] as! String } == ["floor </script><b>", "ball", "cube"])
        #expect((shapes[1]["indices"] as! [Int]).count == scene.shapes[1].mesh.indices.count)
        #expect((shapes[2]["positions"] as! [Double]).count == 72)
        #expect(shapes[0]["pose"] as? [Double] == [0, 0, 0, 1, 0, 0, 0] && shapes[1]["pose"] == nil)
        #expect(object["moving"] as! [Int] == [1, 2])
        let poses = object["poses"] as! [Double]
        #expect(poses.count == 3 * 2 * 7)
        // Frame 2, shape 1: position to 5 decimals, quaternion to 6.
        let q = Quat(axis: .unitZ, angle: 0.6)
        let expected = [0.2, -0.123456789, 1, q.w, q.x, q.y, q.z]
        for k in 0..<7 { #expect(abs(poses[2 * 14 + k] - expected[k]) < 1e-5) }
        #expect((object["times"] as! [Double]).count == 3)
        let camera = object["camera"] as! [String: Any]
        #expect(camera["azimuth"] as! Double == Camera.tabletop.azimuth)
        // Text outside the JSON is escaped, and nothing closes the data's script element early.
        #expect(html.contains("a &lt; b &amp; c"))
        #expect(html.components(separatedBy: "</script>").count == 3)
        #expect(!html.contains("http://") && !html.contains("https://"))  // no network
    }

    @Test("numbers are short and exact enough: trailing zeros and negative zero dropped")
    func numbers() {
        #expect(Player.n(0.5) == "0.5" && Player.n(2.0) == "2" && Player.n(-0.00001) == "0" && Player.n(-1.23456, 3) == "-1.235")
    }
}
