import Torch

extension Metric {
    /// The metrics as functions of one batch (`torchmetrics.functional`): each gives what its
    /// class computes after a single update.
    public enum F {
        private static func once<M: PredictionMetric>(_ metric: M, _ preds: Tensor, _ target: Tensor) -> Tensor {
            metric.update(preds, target)
            return metric.compute()
        }

        public static func accuracy(_ preds: Tensor, _ target: Tensor, task: ClassificationTask, numClasses: Int? = nil,
                                    numLabels: Int? = nil, threshold: Double = 0.5, average: AverageMethod = .micro,
                                    topK: Int = 1, ignoreIndex: Int? = nil) -> Tensor {
            once(Accuracy(task: task, numClasses: numClasses, numLabels: numLabels, threshold: threshold, average: average,
                          topK: topK, ignoreIndex: ignoreIndex), preds, target)
        }

        public static func precision(_ preds: Tensor, _ target: Tensor, task: ClassificationTask, numClasses: Int? = nil,
                                     numLabels: Int? = nil, threshold: Double = 0.5, average: AverageMethod = .micro,
                                     topK: Int = 1, ignoreIndex: Int? = nil) -> Tensor {
            once(Precision(task: task, numClasses: numClasses, numLabels: numLabels, threshold: threshold, average: average,
                           topK: topK, ignoreIndex: ignoreIndex), preds, target)
        }

        public static func recall(_ preds: Tensor, _ target: Tensor, task: ClassificationTask, numClasses: Int? = nil,
                                  numLabels: Int? = nil, threshold: Double = 0.5, average: AverageMethod = .micro,
                                  topK: Int = 1, ignoreIndex: Int? = nil) -> Tensor {
            once(Recall(task: task, numClasses: numClasses, numLabels: numLabels, threshold: threshold, average: average,
                        topK: topK, ignoreIndex: ignoreIndex), preds, target)
        }

        public static func f1Score(_ preds: Tensor, _ target: Tensor, task: ClassificationTask, numClasses: Int? = nil,
                                   numLabels: Int? = nil, threshold: Double = 0.5, average: AverageMethod = .micro,
                                   topK: Int = 1, ignoreIndex: Int? = nil) -> Tensor {
            once(F1Score(task: task, numClasses: numClasses, numLabels: numLabels, threshold: threshold, average: average,
                         topK: topK, ignoreIndex: ignoreIndex), preds, target)
        }

        public static func fbetaScore(_ preds: Tensor, _ target: Tensor, task: ClassificationTask, beta: Double,
                                      numClasses: Int? = nil, numLabels: Int? = nil, threshold: Double = 0.5,
                                      average: AverageMethod = .micro, topK: Int = 1, ignoreIndex: Int? = nil) -> Tensor {
            once(FBetaScore(task: task, beta: beta, numClasses: numClasses, numLabels: numLabels, threshold: threshold,
                            average: average, topK: topK, ignoreIndex: ignoreIndex), preds, target)
        }

        public static func specificity(_ preds: Tensor, _ target: Tensor, task: ClassificationTask, numClasses: Int? = nil,
                                       numLabels: Int? = nil, threshold: Double = 0.5, average: AverageMethod = .micro,
                                       topK: Int = 1, ignoreIndex: Int? = nil) -> Tensor {
            once(Specificity(task: task, numClasses: numClasses, numLabels: numLabels, threshold: threshold, average: average,
                             topK: topK, ignoreIndex: ignoreIndex), preds, target)
        }

        public static func hammingDistance(_ preds: Tensor, _ target: Tensor, task: ClassificationTask, numClasses: Int? = nil,
                                           numLabels: Int? = nil, threshold: Double = 0.5, average: AverageMethod = .micro,
                                           ignoreIndex: Int? = nil) -> Tensor {
            once(HammingDistance(task: task, numClasses: numClasses, numLabels: numLabels, threshold: threshold,
                                 average: average, ignoreIndex: ignoreIndex), preds, target)
        }

        public static func statScores(_ preds: Tensor, _ target: Tensor, task: ClassificationTask, numClasses: Int? = nil,
                                      numLabels: Int? = nil, threshold: Double = 0.5, average: AverageMethod = .micro,
                                      topK: Int = 1, ignoreIndex: Int? = nil) -> Tensor {
            once(StatScores(task: task, numClasses: numClasses, numLabels: numLabels, threshold: threshold, average: average,
                            topK: topK, ignoreIndex: ignoreIndex), preds, target)
        }

        public static func confusionMatrix(_ preds: Tensor, _ target: Tensor, task: ClassificationTask, numClasses: Int? = nil,
                                           numLabels: Int? = nil, threshold: Double = 0.5,
                                           normalize: ConfusionMatrixNormalization = .none, ignoreIndex: Int? = nil) -> Tensor {
            once(ConfusionMatrix(task: task, numClasses: numClasses, numLabels: numLabels, threshold: threshold,
                                 normalize: normalize, ignoreIndex: ignoreIndex), preds, target)
        }

        public static func jaccardIndex(_ preds: Tensor, _ target: Tensor, task: ClassificationTask, numClasses: Int? = nil,
                                        numLabels: Int? = nil, threshold: Double = 0.5, average: AverageMethod = .macro,
                                        ignoreIndex: Int? = nil) -> Tensor {
            once(JaccardIndex(task: task, numClasses: numClasses, numLabels: numLabels, threshold: threshold, average: average,
                              ignoreIndex: ignoreIndex), preds, target)
        }

        public static func matthewsCorrCoef(_ preds: Tensor, _ target: Tensor, task: ClassificationTask, numClasses: Int? = nil,
                                            numLabels: Int? = nil, threshold: Double = 0.5, ignoreIndex: Int? = nil) -> Tensor {
            once(MatthewsCorrCoef(task: task, numClasses: numClasses, numLabels: numLabels, threshold: threshold,
                                  ignoreIndex: ignoreIndex), preds, target)
        }

        public static func cohenKappa(_ preds: Tensor, _ target: Tensor, task: ClassificationTask, numClasses: Int? = nil,
                                      threshold: Double = 0.5, weights: CohenKappaWeights = .none, ignoreIndex: Int? = nil) -> Tensor {
            once(CohenKappa(task: task, numClasses: numClasses, threshold: threshold, weights: weights, ignoreIndex: ignoreIndex),
                 preds, target)
        }

        public static func auroc(_ preds: Tensor, _ target: Tensor, task: ClassificationTask, numClasses: Int? = nil,
                                 numLabels: Int? = nil, average: AverageMethod = .macro, maxFpr: Double? = nil,
                                 ignoreIndex: Int? = nil) -> Tensor {
            once(AUROC(task: task, numClasses: numClasses, numLabels: numLabels, average: average, maxFpr: maxFpr,
                       ignoreIndex: ignoreIndex), preds, target)
        }

        public static func averagePrecision(_ preds: Tensor, _ target: Tensor, task: ClassificationTask, numClasses: Int? = nil,
                                            numLabels: Int? = nil, average: AverageMethod = .macro, ignoreIndex: Int? = nil) -> Tensor {
            once(AveragePrecision(task: task, numClasses: numClasses, numLabels: numLabels, average: average,
                                  ignoreIndex: ignoreIndex), preds, target)
        }

        public static func calibrationError(_ preds: Tensor, _ target: Tensor, task: ClassificationTask, numClasses: Int? = nil,
                                            nBins: Int = 15, norm: CalibrationNorm = .l1, ignoreIndex: Int? = nil) -> Tensor {
            once(CalibrationError(task: task, numClasses: numClasses, nBins: nBins, norm: norm, ignoreIndex: ignoreIndex), preds, target)
        }

        public static func meanSquaredError(_ preds: Tensor, _ target: Tensor, squared: Bool = true) -> Tensor {
            once(MeanSquaredError(squared: squared), preds, target)
        }

        public static func meanAbsoluteError(_ preds: Tensor, _ target: Tensor) -> Tensor { once(MeanAbsoluteError(), preds, target) }

        public static func meanAbsolutePercentageError(_ preds: Tensor, _ target: Tensor) -> Tensor {
            once(MeanAbsolutePercentageError(), preds, target)
        }

        public static func r2Score(_ preds: Tensor, _ target: Tensor, numOutputs: Int = 1) -> Tensor {
            once(R2Score(numOutputs: numOutputs), preds, target)
        }

        public static func pearsonCorrCoef(_ preds: Tensor, _ target: Tensor, numOutputs: Int = 1) -> Tensor {
            once(PearsonCorrCoef(numOutputs: numOutputs), preds, target)
        }

        public static func spearmanCorrCoef(_ preds: Tensor, _ target: Tensor) -> Tensor { once(SpearmanCorrCoef(), preds, target) }

        public static func explainedVariance(_ preds: Tensor, _ target: Tensor) -> Tensor { once(ExplainedVariance(), preds, target) }

        public static func cosineSimilarity(_ preds: Tensor, _ target: Tensor, reduction: MetricReduction = .sum) -> Tensor {
            once(CosineSimilarity(reduction: reduction), preds, target)
        }

        public static func klDivergence(_ p: Tensor, _ q: Tensor, logProb: Bool = false, reduction: MetricReduction = .mean) -> Tensor {
            once(KLDivergence(logProb: logProb, reduction: reduction), p, q)
        }

        public static func perplexity(_ preds: Tensor, _ target: Tensor, ignoreIndex: Int? = nil) -> Tensor {
            once(Perplexity(ignoreIndex: ignoreIndex), preds, target)
        }

        public static func structuralSimilarityIndexMeasure(_ preds: Tensor, _ target: Tensor, dataRange: Double? = nil,
                                                            sigma: Double = 1.5) -> Tensor {
            once(StructuralSimilarityIndexMeasure(dataRange: dataRange, sigma: sigma), preds, target)
        }

        public static func peakSignalNoiseRatio(_ preds: Tensor, _ target: Tensor, dataRange: Double, base: Double = 10) -> Tensor {
            once(PeakSignalNoiseRatio(dataRange: dataRange, base: base), preds, target)
        }
    }
}
