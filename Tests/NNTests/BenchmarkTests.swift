import Foundation
import Testing
import Tensor
import NN

@Suite struct BenchmarkTests {
    @Test func engineReportIsTheIssuesJSONShape() throws {
        let tiny = Benchmark.Case(name: "window_attention_8_4x4", inputShape: [2 * 16, 8]) { rng in
            WindowAttention(channels: 8, heads: 2, window: 4, rng: &rng)
        }
        // The current thread count only: the setting is process-wide and other tests run concurrently.
        let threads = Parallel.threadCount
        let report = Benchmark.engine(cases: [tiny], threadCounts: [threads, threads], repeats: 1, sgemmSize: 64)
        let object = try JSONSerialization.jsonObject(with: Data(report.json.utf8)) as? [String: Any]
        let peak = try #require(object?["sgemm_gflops"] as? Double)
        #expect(peak > 0)
        let cases = try #require(object?["cases"] as? [[String: Any]])
        #expect(cases.count == 2)
        #expect(cases.map { $0["threads"] as? Int } == [threads, threads])
        for row in cases {
            #expect(row["name"] as? String == "window_attention_8_4x4")
            // JSON rounds to 2-3 decimals, so a tiny case may print 0: check presence and sign here.
            for key in ["forward_gflops", "forward_backward_gflops", "ratio_to_sgemm", "sgemm_gflops", "forward_gb_per_s"] {
                let value = try #require(row[key] as? Double, "missing \(key)")
                #expect(value >= 0, "\(key) = \(value)")
            }
        }
        // The unrounded measurements are positive and finite.
        for row in report.cases {
            for value in [row.forwardGFLOPs, row.forwardBackwardGFLOPs, row.ratioToSgemm, row.sgemmGFLOPs, row.forwardGBPerSecond] {
                #expect(value > 0 && value.isFinite, "\(row)")
            }
        }
    }

    @Test func engineCasesHaveTheIssuesNames() {
        let names = Benchmark.engineCases(batch: 1).map(\.name)
        #expect(names == ["conv3x3_24_64x64", "conv3x3_64_32x32", "depthwise3x3_192_32x32", "window_attention_96_8x8"])
    }
}
