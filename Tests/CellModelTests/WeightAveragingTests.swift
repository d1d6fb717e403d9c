import Foundation
import Testing
import NN
import Tensor
import CellModel

/// `WeightAveraging` (`leuko average`): the element-wise mean of fine-tunes of the same weights.
@Suite struct WeightAveragingTests {
    let configuration = tinyConfiguration()

    /// Saves a network of `seed` (batch-norm statistics set to seed-dependent values, so they
    /// differ between files too) as a fine-tune of `start`, and loads it back as a weights file.
    func ingredient(seed: UInt64, start: String? = "start-digest", temperature: Double, in directory: URL,
                    configuration: NetworkConfiguration? = nil) throws -> ModelFile {
        let network = SGCLDFFNetwork(configuration ?? self.configuration, seed: seed)
        for (index, layer) in BatchNormAdaptation.batchNormLayers(of: network).enumerated() {
            for c in 0..<layer.channels {
                layer.runningMean.data[c] = Float(seed) * 0.1 + Float(index) * 0.01 + Float(c) * 0.001
                layer.runningVar.data[c] = 1 + Float(seed) * 0.2 + Float(c) * 0.003
            }
        }
        var extra = ["seed": String(seed), "command": "leuko train --seed \(seed)", "temperature_views_2": String(temperature + 0.5),
                     "calibration": "leuko calibrate --views 2"]
        if let start { extra["initial_weights_sha256"] = start }
        let url = directory.appendingPathComponent("w\(seed)-\(UUID().uuidString).safetensors")
        try ModelFile.save(network, temperature: temperature, extra: extra, to: url)
        return try ModelFile.load(url)
    }

    @Test func everyParameterAndStatisticIsTheMeanAndTheIngredientsAreListed() throws {
        let directory = try TrainingTests.scratchDirectory("leuko-average")
        defer { try? FileManager.default.removeItem(at: directory) }
        let models = try [(3, 0.6), (4, 0.9), (9, 1.2)].map { try ingredient(seed: UInt64($0.0), temperature: $0.1, in: directory) }
        let (network, metadata) = try WeightAveraging.average(models)

        let averaged = network.stateTensors(), sources = models.map { $0.network.stateTensors() }
        #expect(averaged.count == sources[0].count && averaged.contains { $0.0.hasSuffix("running_mean") })
        var compared = 0, differing = 0
        for (position, (name, tensor)) in averaged.enumerated() {
            let inputs = sources.map { $0[position].1.values }
            #expect(sources.allSatisfy { $0[position].0 == name })
            let expected = (0..<tensor.count).map { i in Float(inputs.map { Double($0[i]) }.reduce(0, +) / 3) }
            #expect(tensor.values == expected, "\(name) is not the mean of the three files")
            compared += tensor.count
            differing += (0..<tensor.count).filter { inputs[0][$0] != inputs[1][$0] }.count
        }
        #expect(differing > compared / 2, "the ingredients must differ for the test to mean anything")
        #expect(abs(Double(metadata["temperature"]!)! - 0.9) < 1e-12)
        #expect(abs(Double(metadata["temperature_views_2"]!)! - 1.4) < 1e-12)
        #expect(metadata["calibration"] == nil)
        #expect(metadata["network"] == models[0].metadata["network"])
        let listed = try JSONDecoder().decode([WeightAveraging.Ingredient].self,
                                              from: Data(metadata[WeightAveraging.recordKey]!.utf8))
        #expect(listed.map(\.sha256) == models.map { $0.sha256! })
        #expect(listed.map(\.seed) == ["3", "4", "9"] && listed[1].command == "leuko train --seed 4")
    }

    /// The mean of a network with itself is that network: same predictions, bit for bit.
    @Test func theMeanOfCopiesIsTheNetworkItself() throws {
        let directory = try TrainingTests.scratchDirectory("leuko-average-self")
        defer { try? FileManager.default.removeItem(at: directory) }
        let model = try ingredient(seed: 5, temperature: 0.7, in: directory)
        let (network, _) = try WeightAveraging.average([model, model])
        let crops = syntheticSamples(configuration, count: 3, seed: 2).map(\.crop)
        let a = CropPredictor(network: model.network).predict(crops), b = CropPredictor(network: network).predict(crops)
        #expect(a.map(\.logits) == b.map(\.logits))
        #expect(a.map(\.segmentation) == b.map(\.segmentation))
    }

    @Test func refusesOneFileOtherNetworksAndOtherStarts() throws {
        let directory = try TrainingTests.scratchDirectory("leuko-average-refuse")
        defer { try? FileManager.default.removeItem(at: directory) }
        let model = try ingredient(seed: 3, temperature: 1, in: directory)
        #expect(throws: CellModelError.self) { try WeightAveraging.average([model]) }
        var wider = configuration
        wider.classCount = 4
        let otherNetwork = try ingredient(seed: 4, temperature: 1, in: directory, configuration: wider)
        #expect(throws: CellModelError.self) { try WeightAveraging.average([model, otherNetwork]) }
        let otherStart = try ingredient(seed: 4, start: "another-start", temperature: 1, in: directory)
        #expect(throws: CellModelError.self) { try WeightAveraging.average([model, otherStart]) }
        let fromScratch = try ingredient(seed: 4, start: nil, temperature: 1, in: directory)
        let alsoFromScratch = try ingredient(seed: 5, start: nil, temperature: 1, in: directory)
        #expect(throws: CellModelError.self) { try WeightAveraging.average([fromScratch, alsoFromScratch]) }
        #expect(try WeightAveraging.average([model, try ingredient(seed: 4, temperature: 1, in: directory)]).network
            .stateTensors().count == model.network.stateTensors().count)
    }
}
