import Metrics
import TestSupport
import Torch
import XCTest

/// How a case's metric is made and fed.
enum MetricCase: @unchecked Sendable {
    /// Predictions against targets.
    case pair(() -> PredictionMetric)
    /// One tensor of values per update.
    case values(() -> Metric)
    /// A `MeanMetric` given values and weights.
    case weighted
    /// A curve of a binary task: its three tensors.
    case curve(() -> PredictionMetric, (PredictionMetric) -> [Tensor])
}

private let b = ClassificationTask.binary, mc = ClassificationTask.multiclass, ml = ClassificationTask.multilabel

/// The Swift side of each case in Tests/Oracle/metrics.py.
let metricCases: [String: MetricCase] = [
    "accuracy_binary": .pair { Accuracy(task: b) },
    "accuracy_binary_logits_ignored": .pair { Accuracy(task: b, ignoreIndex: -1) },
    "accuracy_multiclass_micro": .pair { Accuracy(task: mc, numClasses: 4) },
    "accuracy_multiclass_macro_absent": .pair { Accuracy(task: mc, numClasses: 4, average: .macro) },
    "accuracy_multiclass_weighted": .pair { Accuracy(task: mc, numClasses: 4, average: .weighted) },
    "accuracy_multiclass_none": .pair { Accuracy(task: mc, numClasses: 4, average: .none) },
    "accuracy_multiclass_top2": .pair { Accuracy(task: mc, numClasses: 4, topK: 2) },
    "accuracy_multiclass_top2_macro": .pair { Accuracy(task: mc, numClasses: 4, average: .macro, topK: 2) },
    "accuracy_multiclass_labels_ignored": .pair { Accuracy(task: mc, numClasses: 4, average: .macro, ignoreIndex: 0) },
    "accuracy_multilabel_micro": .pair { Accuracy(task: ml, numLabels: 3) },
    "accuracy_multilabel_macro_ignored": .pair { Accuracy(task: ml, numLabels: 3, average: .macro, ignoreIndex: -1) },
    "precision_binary": .pair { Precision(task: b) },
    "precision_multiclass_macro_absent": .pair { Precision(task: mc, numClasses: 4, average: .macro) },
    "precision_multilabel_weighted": .pair { Precision(task: ml, numLabels: 3, average: .weighted) },
    "recall_binary_ignored": .pair { Recall(task: b, ignoreIndex: -1) },
    "recall_multiclass_none": .pair { Recall(task: mc, numClasses: 4, average: .none, ignoreIndex: -100) },
    "recall_multilabel_macro": .pair { Recall(task: ml, numLabels: 3, average: .macro) },
    "f1_binary": .pair { F1Score(task: b, threshold: 0.3) },
    "f1_multiclass_macro": .pair { F1Score(task: mc, numClasses: 4, average: .macro) },
    "f1_multiclass_ignored_outside": .pair { F1Score(task: mc, numClasses: 4, average: .weighted, ignoreIndex: -100) },
    "f1_multilabel_none": .pair { F1Score(task: ml, numLabels: 3, average: .none) },
    "fbeta_binary": .pair { FBetaScore(task: b, beta: 2) },
    "fbeta_multiclass_macro": .pair { FBetaScore(task: mc, beta: 0.5, numClasses: 4, average: .macro) },
    "specificity_binary": .pair { Specificity(task: b) },
    "specificity_multiclass_macro": .pair { Specificity(task: mc, numClasses: 4, average: .macro) },
    "specificity_multilabel_micro": .pair { Specificity(task: ml, numLabels: 3) },
    "hamming_binary": .pair { HammingDistance(task: b) },
    "hamming_multiclass_macro": .pair { HammingDistance(task: mc, numClasses: 4, average: .macro) },
    "hamming_multilabel": .pair { HammingDistance(task: ml, numLabels: 3) },
    "statscores_binary": .pair { StatScores(task: b) },
    "statscores_multiclass_none": .pair { StatScores(task: mc, numClasses: 4, average: .none) },
    "statscores_multiclass_micro": .pair { StatScores(task: mc, numClasses: 4) },
    "statscores_multilabel_macro": .pair { StatScores(task: ml, numLabels: 3, average: .macro) },
    "confmat_binary": .pair { ConfusionMatrix(task: b) },
    "confmat_binary_true_ignored": .pair { ConfusionMatrix(task: b, normalize: .true, ignoreIndex: -1) },
    "confmat_multiclass": .pair { ConfusionMatrix(task: mc, numClasses: 4) },
    "confmat_multiclass_pred_absent": .pair { ConfusionMatrix(task: mc, numClasses: 4, normalize: .pred) },
    "confmat_multilabel_all": .pair { ConfusionMatrix(task: ml, numLabels: 3, normalize: .all) },
    "jaccard_binary": .pair { JaccardIndex(task: b) },
    "jaccard_multiclass_macro_absent": .pair { JaccardIndex(task: mc, numClasses: 4) },
    "jaccard_multiclass_micro_ignored": .pair { JaccardIndex(task: mc, numClasses: 4, average: .micro, ignoreIndex: 0) },
    "jaccard_multiclass_weighted": .pair { JaccardIndex(task: mc, numClasses: 4, average: .weighted) },
    "jaccard_multilabel_none": .pair { JaccardIndex(task: ml, numLabels: 3, average: .none) },
    "mcc_binary": .pair { MatthewsCorrCoef(task: b) },
    "mcc_binary_one_class": .pair { MatthewsCorrCoef(task: b) },
    "mcc_multiclass": .pair { MatthewsCorrCoef(task: mc, numClasses: 4) },
    "mcc_multilabel": .pair { MatthewsCorrCoef(task: ml, numLabels: 3) },
    "cohen_binary": .pair { CohenKappa(task: b) },
    "cohen_multiclass_linear": .pair { CohenKappa(task: mc, numClasses: 4, weights: .linear) },
    "cohen_multiclass_quadratic": .pair { CohenKappa(task: mc, numClasses: 4, weights: .quadratic) },
    "auroc_binary": .pair { AUROC(task: b) },
    "auroc_binary_ties_logits": .pair { AUROC(task: b) },
    "auroc_binary_max_fpr": .pair { AUROC(task: b, maxFpr: 0.3) },
    "auroc_multiclass_macro": .pair { AUROC(task: mc, numClasses: 4) },
    "auroc_multiclass_weighted_ignored": .pair { AUROC(task: mc, numClasses: 4, average: .weighted, ignoreIndex: -100) },
    "auroc_multiclass_none": .pair { AUROC(task: mc, numClasses: 4, average: .none) },
    "auroc_multilabel_macro": .pair { AUROC(task: ml, numLabels: 3) },
    "auroc_multilabel_micro_ignored": .pair { AUROC(task: ml, numLabels: 3, average: .micro, ignoreIndex: -1) },
    "ap_binary": .pair { AveragePrecision(task: b) },
    "ap_binary_ties": .pair { AveragePrecision(task: b) },
    "ap_multiclass_macro_absent": .pair { AveragePrecision(task: mc, numClasses: 4) },
    "ap_multiclass_weighted": .pair { AveragePrecision(task: mc, numClasses: 4, average: .weighted) },
    "ap_multilabel_none": .pair { AveragePrecision(task: ml, numLabels: 3, average: .none) },
    "calibration_binary": .pair { CalibrationError(task: b) },
    "calibration_multiclass_l2": .pair { CalibrationError(task: mc, numClasses: 4, nBins: 10, norm: .l2) },
    "calibration_multiclass_max": .pair { CalibrationError(task: mc, numClasses: 4, norm: .max) },
    "roc_binary": .curve({ ROC(task: b) }) { m in
        let c = (m as! ROC).curves()[0]
        return [c.fpr, c.tpr, c.thresholds]
    },
    "prc_binary": .curve({ PrecisionRecallCurve(task: b) }) { m in
        let c = (m as! PrecisionRecallCurve).curves()[0]
        return [c.precision, c.recall, c.thresholds]
    },
    "mse": .pair { MeanSquaredError() },
    "rmse": .pair { MeanSquaredError(squared: false) },
    "mae": .pair { MeanAbsoluteError() },
    "mape": .pair { MeanAbsolutePercentageError() },
    "r2": .pair { R2Score() },
    "r2_two_outputs": .pair { R2Score(numOutputs: 2) },
    "pearson": .pair { PearsonCorrCoef() },
    "pearson_two_outputs": .pair { PearsonCorrCoef(numOutputs: 2) },
    "spearman_ties": .pair { SpearmanCorrCoef() },
    "explained_variance": .pair { ExplainedVariance() },
    "cosine_sum": .pair { Metrics.CosineSimilarity() },
    "cosine_mean": .pair { Metrics.CosineSimilarity(reduction: .mean) },
    "kl_divergence": .pair { KLDivergence() },
    "kl_divergence_log_sum": .pair { KLDivergence(logProb: true, reduction: .sum) },
    "mean": .values { MeanMetric() },
    "mean_weighted": .weighted,
    "sum": .values { SumMetric() },
    "max": .values { MaxMetric() },
    "min": .values { MinMetric() },
    "cat": .values { CatMetric() },
    "running_mean": .values { RunningMean(window: 2) },
    "perplexity_ignored": .pair { Perplexity(ignoreIndex: -100) },
    "psnr_range": .pair { PeakSignalNoiseRatio(dataRange: 1) },
    "ssim": .pair { StructuralSimilarityIndexMeasure(dataRange: 1) },
    "ssim_batch_range": .pair { StructuralSimilarityIndexMeasure() },
    "psnr_base2": .pair { PeakSignalNoiseRatio(dataRange: 2, base: 2) },
]

/// Every metric against torchmetrics on the same inputs, fed in uneven batches: each batch's
/// value (forward) and the value over all of them (compute), which one batch of everything
/// gives too.
final class MetricParityTests: XCTestCase {
    static let reference = oracleReference("metrics.py")

    func testEveryOracleCaseHasASwiftCase() {
        let names = Set(Self.reference.metadata["cases"]!.split(separator: ",").map(String.init))
        XCTAssertEqual(names, Set(metricCases.keys))
    }

    func testForwardAndComputeMatchTorchmetrics() throws {
        let tensors = Self.reference.tensors
        let split = Self.reference.metadata["split"]!.split(separator: ",").map { Int($0)! }
        for (name, c) in metricCases.sorted(by: { $0.key < $1.key }) {
            var inputs: [Tensor] = []
            while let t = tensors["\(name)/in\(inputs.count)"] { inputs.append(t) }
            let metric: Metric
            switch c {
            case .pair(let build): metric = build()
            case .values(let build): metric = build()
            case .weighted: metric = MeanMetric()
            case .curve(let build, _): metric = build()
            }
            var start = 0
            for (k, size) in split.enumerated() {
                let batch = inputs.map { $0[start..<(start + size)] }
                start += size
                let value: Tensor
                switch c {
                case .pair, .curve: value = (metric as! PredictionMetric).forward { (metric as! PredictionMetric).update(batch[0], batch[1]) }
                case .values: value = metric(batch[0])
                case .weighted: value = (metric as! MeanMetric)(batch[0], weight: batch[1])
                }
                if case .curve = c { continue }
                try withTorchErrors {
                    assertClose(value.to(dtype: .float64), tensors["\(name)/batch\(k)/0"]!.to(dtype: .float64), rtol: 1e-4,
                                atol: 1e-5, "\(name): forward on batch \(k)")
                }
            }
            let results: [Tensor]
            if case .curve(_, let read) = c { results = read(metric as! PredictionMetric) } else { results = [metric.compute()] }
            // The same data in one batch gives the same value (a running mean is over its last updates only).
            if case .pair(let build) = c {
                let whole = build()
                whole.update(inputs[0], inputs[1])
                assertClose(whole.compute().to(dtype: .float64), results[0].to(dtype: .float64), rtol: 1e-4, atol: 1e-5,
                            "\(name): one batch against three")
            }
            for (j, result) in results.enumerated() {
                let expected = tensors["\(name)/expected/\(j)"]!
                XCTAssertEqual(result.shape, expected.shape, "\(name): shape of result \(j)")
                if result.shape == expected.shape {
                    assertClose(result.to(dtype: .float64), expected.to(dtype: .float64), rtol: 1e-4, atol: 1e-5,
                                "\(name): compute, result \(j)")
                }
            }
        }
    }
}
