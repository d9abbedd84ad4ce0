import Numerics
import RL

// Tasks are values: everything that distinguishes one task of a family, handed to `reset`.
// Benchmarks draw them from seeded streams (train and held-out never share a stream or an object).

/// One task of an arm family.
public struct ArmTask: Sendable, Codable, Equatable, Hashable {
    public var family: Family
    /// Reach goal, or the push / pick-place target (world frame, m); unused by grasp-lift.
    public var goal: Vec3
    /// The object (nil for reach).
    public var object: ObjectSpec?
    /// Where the object's centre starts on the table (world x, y; m).
    public var objectX: Double
    public var objectY: Double
    public var split: Split

    public init(family: Family, goal: Vec3 = .zero, object: ObjectSpec? = nil, objectX: Double = 0, objectY: Double = 0, split: Split) {
        self.family = family; self.goal = goal; self.object = object
        self.objectX = objectX; self.objectY = objectY; self.split = split
    }
}

/// Draws tasks of one family: objects from the catalog's split, goal and placement from the
/// spec's distributions. The draw order is fixed (object index, object x, y, goal x, y, z).
public struct ArmTaskSampler: TaskSampler {
    public let spec: FamilySpec
    public let catalog: ObjectCatalog?

    public init(spec: FamilySpec, catalog: ObjectCatalog?) {
        precondition(!spec.family.hasObject || catalog != nil, "ArmTaskSampler: family \(spec.family.rawValue) needs a catalog")
        self.spec = spec; self.catalog = catalog
    }

    public func sample(_ split: Split, rng: inout RandomSource) -> ArmTask {
        var task = ArmTask(family: spec.family, split: split)
        if spec.family.hasObject, let catalog, let ox = spec.objectX, let oy = spec.objectY {
            let objects = catalog.objects(split)
            task.object = objects[min(objects.count - 1, Int(rng.uniform() * Double(objects.count)))]
            task.objectX = ox.sample(&rng)
            task.objectY = oy.sample(&rng)
        }
        if let goal = spec.goal { task.goal = goal.sample(&rng) }
        return task
    }
}

/// Meta-World ML1's shape for one family: seeded train tasks on train objects, and test tasks on
/// held-out objects from a disjoint random stream. A task is a value handed to `reset`.
public struct Benchmark: Sendable {
    public let spec: FamilySpec
    public let seed: UInt64
    public let trainTasks: [ArmTask]
    public let testTasks: [ArmTask]

    /// `trainCount` train tasks from stream 0 of `seed`, `testCount` held-out tasks from stream 1.
    public init(spec: FamilySpec, catalog: ObjectCatalog?, seed: UInt64, trainCount: Int = 50, testCount: Int = 50) {
        precondition(trainCount >= 0 && testCount >= 0, "Benchmark: counts must be non-negative")
        let sampler = ArmTaskSampler(spec: spec, catalog: catalog)
        let root = RandomSource(seed: seed)
        var trainRNG = root.stream(0), testRNG = root.stream(1)
        self.spec = spec
        self.seed = seed
        trainTasks = (0..<trainCount).map { _ in sampler.sample(.train, rng: &trainRNG) }
        testTasks = (0..<testCount).map { _ in sampler.sample(.heldout, rng: &testRNG) }
    }

    /// ML1(family:seed:) on the suite's own files.
    public static func ml1(_ family: Family, suite: Suite, seed: UInt64, trainCount: Int = 50, testCount: Int = 50) throws -> Benchmark {
        let spec = try suite.loadSpec(family.rawValue)
        let catalog = try spec.objects.map { try suite.loadCatalog($0) }
        return Benchmark(spec: spec, catalog: catalog, seed: seed, trainCount: trainCount, testCount: testCount)
    }
}
