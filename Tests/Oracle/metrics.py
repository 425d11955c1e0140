"""Reference values for the metric tests (Tests/MetricsTests/MetricParityTests.swift), from
torchmetrics: for each case its inputs, the value of forward on each batch of a split of the
inputs, and the value of compute over all of them. usage: metrics.py OUT.safetensors"""
import sys
import warnings

import torch
import torchmetrics as tm
from safetensors.torch import save_file

warnings.filterwarnings("ignore")
N = 40
SPLIT = [7, 13, 20]
g = torch.Generator().manual_seed(7)


def rand(*shape):
    return torch.rand(shape, generator=g)


def randn(*shape):
    return torch.randn(shape, generator=g)


def randint(high, *shape):
    return torch.randint(0, high, shape, generator=g)


def with_ignored(t, value):
    t = t.clone()
    t[randint(4, *t.shape) == 0] = value
    return t


def binary():
    return [rand(N), randint(2, N)]


def binary_logits_ignored():
    return [randn(N) * 3, with_ignored(randint(2, N), -1)]


def binary_ties():
    return [(rand(N) * 5).round() / 5, randint(2, N)]


def binary_one_class():
    return [rand(N), torch.ones(N, dtype=torch.long)]


def multiclass():
    return [randn(N, 4), randint(4, N)]


def multiclass_absent():
    return [randn(N, 4).softmax(1), randint(3, N)]


def multiclass_labels_ignored():
    return [randint(4, N), with_ignored(randint(4, N), 0)]


def multiclass_ignored_outside():
    return [randn(N, 4), with_ignored(randint(4, N), -100)]


def multilabel():
    return [rand(N, 3), randint(2, N, 3)]


def multilabel_ignored():
    return [randn(N, 3), with_ignored(randint(2, N, 3), -1)]


def regression():
    return [randn(N), randn(N)]


def regression_ties():
    return [(randn(N) * 2).round(), (randn(N) * 2).round()]


def two_outputs():
    return [randn(N, 2), randn(N, 2)]


def rows():
    return [randn(N, 5), randn(N, 5)]


def distributions():
    return [rand(N, 5) + 0.1, rand(N, 5) + 0.1]


def values():
    return [randn(N)]


def weighted_values():
    return [randn(N), rand(N)]


def tokens():
    return [randn(N, 6, 9), with_ignored(randint(9, N, 6), -100)]


def big_images():
    clean = rand(N, 2, 16, 16)
    return [(clean + rand(N, 2, 16, 16) * 0.2).clamp(0, 1), clean]


def images():
    return [rand(N, 3, 4, 4), rand(N, 3, 4, 4)]


B, MC, ML = "binary", "multiclass", "multilabel"
CASES = {
    "accuracy_binary": (lambda: tm.Accuracy(task=B), binary),
    "accuracy_binary_logits_ignored": (lambda: tm.Accuracy(task=B, ignore_index=-1), binary_logits_ignored),
    "accuracy_multiclass_micro": (lambda: tm.Accuracy(task=MC, num_classes=4), multiclass),
    "accuracy_multiclass_macro_absent": (lambda: tm.Accuracy(task=MC, num_classes=4, average="macro"), multiclass_absent),
    "accuracy_multiclass_weighted": (lambda: tm.Accuracy(task=MC, num_classes=4, average="weighted"), multiclass),
    "accuracy_multiclass_none": (lambda: tm.Accuracy(task=MC, num_classes=4, average="none"), multiclass),
    "accuracy_multiclass_top2": (lambda: tm.Accuracy(task=MC, num_classes=4, top_k=2), multiclass),
    "accuracy_multiclass_top2_macro": (lambda: tm.Accuracy(task=MC, num_classes=4, top_k=2, average="macro"), multiclass_absent),
    "accuracy_multiclass_labels_ignored": (lambda: tm.Accuracy(task=MC, num_classes=4, ignore_index=0, average="macro"),
                                           multiclass_labels_ignored),
    "accuracy_multilabel_micro": (lambda: tm.Accuracy(task=ML, num_labels=3), multilabel),
    "accuracy_multilabel_macro_ignored": (lambda: tm.Accuracy(task=ML, num_labels=3, average="macro", ignore_index=-1),
                                          multilabel_ignored),
    "precision_binary": (lambda: tm.Precision(task=B), binary),
    "precision_multiclass_macro_absent": (lambda: tm.Precision(task=MC, num_classes=4, average="macro"), multiclass_absent),
    "precision_multilabel_weighted": (lambda: tm.Precision(task=ML, num_labels=3, average="weighted"), multilabel),
    "recall_binary_ignored": (lambda: tm.Recall(task=B, ignore_index=-1), binary_logits_ignored),
    "recall_multiclass_none": (lambda: tm.Recall(task=MC, num_classes=4, average="none", ignore_index=-100),
                               multiclass_ignored_outside),
    "recall_multilabel_macro": (lambda: tm.Recall(task=ML, num_labels=3, average="macro"), multilabel),
    "f1_binary": (lambda: tm.F1Score(task=B, threshold=0.3), binary),
    "f1_multiclass_macro": (lambda: tm.F1Score(task=MC, num_classes=4, average="macro"), multiclass),
    "f1_multiclass_ignored_outside": (lambda: tm.F1Score(task=MC, num_classes=4, average="weighted", ignore_index=-100),
                                      multiclass_ignored_outside),
    "f1_multilabel_none": (lambda: tm.F1Score(task=ML, num_labels=3, average="none"), multilabel),
    "fbeta_binary": (lambda: tm.FBetaScore(task=B, beta=2.0), binary),
    "fbeta_multiclass_macro": (lambda: tm.FBetaScore(task=MC, beta=0.5, num_classes=4, average="macro"), multiclass_absent),
    "specificity_binary": (lambda: tm.Specificity(task=B), binary),
    "specificity_multiclass_macro": (lambda: tm.Specificity(task=MC, num_classes=4, average="macro"), multiclass),
    "specificity_multilabel_micro": (lambda: tm.Specificity(task=ML, num_labels=3), multilabel),
    "hamming_binary": (lambda: tm.HammingDistance(task=B), binary),
    "hamming_multiclass_macro": (lambda: tm.HammingDistance(task=MC, num_classes=4, average="macro"), multiclass),
    "hamming_multilabel": (lambda: tm.HammingDistance(task=ML, num_labels=3), multilabel),
    "statscores_binary": (lambda: tm.StatScores(task=B), binary),
    "statscores_multiclass_none": (lambda: tm.StatScores(task=MC, num_classes=4, average="none"), multiclass),
    "statscores_multiclass_micro": (lambda: tm.StatScores(task=MC, num_classes=4), multiclass),
    "statscores_multilabel_macro": (lambda: tm.StatScores(task=ML, num_labels=3, average="macro"), multilabel),
    "confmat_binary": (lambda: tm.ConfusionMatrix(task=B), binary),
    "confmat_binary_true_ignored": (lambda: tm.ConfusionMatrix(task=B, normalize="true", ignore_index=-1), binary_logits_ignored),
    "confmat_multiclass": (lambda: tm.ConfusionMatrix(task=MC, num_classes=4), multiclass),
    "confmat_multiclass_pred_absent": (lambda: tm.ConfusionMatrix(task=MC, num_classes=4, normalize="pred"), multiclass_absent),
    "confmat_multilabel_all": (lambda: tm.ConfusionMatrix(task=ML, num_labels=3, normalize="all"), multilabel),
    "jaccard_binary": (lambda: tm.JaccardIndex(task=B), binary),
    "jaccard_multiclass_macro_absent": (lambda: tm.JaccardIndex(task=MC, num_classes=4), multiclass_absent),
    "jaccard_multiclass_micro_ignored": (lambda: tm.JaccardIndex(task=MC, num_classes=4, average="micro", ignore_index=0),
                                         multiclass_labels_ignored),
    "jaccard_multiclass_weighted": (lambda: tm.JaccardIndex(task=MC, num_classes=4, average="weighted"), multiclass),
    "jaccard_multilabel_none": (lambda: tm.JaccardIndex(task=ML, num_labels=3, average="none"), multilabel),
    "mcc_binary": (lambda: tm.MatthewsCorrCoef(task=B), binary),
    "mcc_binary_one_class": (lambda: tm.MatthewsCorrCoef(task=B), binary_one_class),
    "mcc_multiclass": (lambda: tm.MatthewsCorrCoef(task=MC, num_classes=4), multiclass),
    "mcc_multilabel": (lambda: tm.MatthewsCorrCoef(task=ML, num_labels=3), multilabel),
    "cohen_binary": (lambda: tm.CohenKappa(task=B), binary),
    "cohen_multiclass_linear": (lambda: tm.CohenKappa(task=MC, num_classes=4, weights="linear"), multiclass),
    "cohen_multiclass_quadratic": (lambda: tm.CohenKappa(task=MC, num_classes=4, weights="quadratic"), multiclass_absent),
    "auroc_binary": (lambda: tm.AUROC(task=B), binary),
    "auroc_binary_ties_logits": (lambda: tm.AUROC(task=B), binary_ties),
    "auroc_binary_max_fpr": (lambda: tm.AUROC(task=B, max_fpr=0.3), binary),
    "auroc_multiclass_macro": (lambda: tm.AUROC(task=MC, num_classes=4), multiclass),
    "auroc_multiclass_weighted_ignored": (lambda: tm.AUROC(task=MC, num_classes=4, average="weighted", ignore_index=-100),
                                          multiclass_ignored_outside),
    "auroc_multiclass_none": (lambda: tm.AUROC(task=MC, num_classes=4, average="none"), multiclass),
    "auroc_multilabel_macro": (lambda: tm.AUROC(task=ML, num_labels=3), multilabel),
    "auroc_multilabel_micro_ignored": (lambda: tm.AUROC(task=ML, num_labels=3, average="micro", ignore_index=-1),
                                       multilabel_ignored),
    "ap_binary": (lambda: tm.AveragePrecision(task=B), binary),
    "ap_binary_ties": (lambda: tm.AveragePrecision(task=B), binary_ties),
    "ap_multiclass_macro_absent": (lambda: tm.AveragePrecision(task=MC, num_classes=4), multiclass_absent),
    "ap_multiclass_weighted": (lambda: tm.AveragePrecision(task=MC, num_classes=4, average="weighted"), multiclass),
    "ap_multilabel_none": (lambda: tm.AveragePrecision(task=ML, num_labels=3, average="none"), multilabel),
    "calibration_binary": (lambda: tm.CalibrationError(task=B), binary),
    "calibration_multiclass_l2": (lambda: tm.CalibrationError(task=MC, num_classes=4, norm="l2", n_bins=10), multiclass),
    "calibration_multiclass_max": (lambda: tm.CalibrationError(task=MC, num_classes=4, norm="max"), multiclass_absent),
    "roc_binary": (lambda: tm.ROC(task=B), binary_ties),
    "prc_binary": (lambda: tm.PrecisionRecallCurve(task=B), binary_ties),
    "mse": (tm.MeanSquaredError, regression),
    "rmse": (lambda: tm.MeanSquaredError(squared=False), regression),
    "mae": (tm.MeanAbsoluteError, regression),
    "mape": (tm.MeanAbsolutePercentageError, regression),
    "r2": (tm.R2Score, regression),
    "r2_two_outputs": (tm.R2Score, two_outputs),
    "pearson": (tm.PearsonCorrCoef, regression),
    "pearson_two_outputs": (lambda: tm.PearsonCorrCoef(num_outputs=2), two_outputs),
    "spearman_ties": (tm.SpearmanCorrCoef, regression_ties),
    "explained_variance": (tm.ExplainedVariance, regression),
    "cosine_sum": (tm.CosineSimilarity, rows),
    "cosine_mean": (lambda: tm.CosineSimilarity(reduction="mean"), rows),
    "kl_divergence": (tm.KLDivergence, distributions),
    "kl_divergence_log_sum": (lambda: tm.KLDivergence(log_prob=True, reduction="sum"),
                              lambda: [t.log_softmax(-1) for t in distributions()]),
    "mean": (tm.MeanMetric, values),
    "mean_weighted": (tm.MeanMetric, weighted_values),
    "sum": (tm.SumMetric, values),
    "max": (tm.MaxMetric, values),
    "min": (tm.MinMetric, values),
    "cat": (tm.CatMetric, values),
    "running_mean": (lambda: tm.RunningMean(window=2), values),
    "perplexity_ignored": (lambda: tm.text.Perplexity(ignore_index=-100), tokens),
    "psnr_range": (lambda: tm.image.PeakSignalNoiseRatio(data_range=1.0), images),
    "ssim": (lambda: tm.image.StructuralSimilarityIndexMeasure(data_range=1.0), big_images),
    "ssim_batch_range": (tm.image.StructuralSimilarityIndexMeasure, big_images),
    "psnr_base2": (lambda: tm.image.PeakSignalNoiseRatio(data_range=2.0, base=2), images),
}


def main(path):
    out = {}
    for name, (build, make) in CASES.items():
        inputs = make()
        metric = build()
        start = 0
        for k, size in enumerate(SPLIT):
            batch = [x[start:start + size] for x in inputs]
            start += size
            value = metric(*batch) if name != "mean_weighted" else metric(batch[0], batch[1])
            parts = value if isinstance(value, (tuple, list)) else [value]
            for j, v in enumerate(parts):
                out["%s/batch%d/%d" % (name, k, j)] = torch.as_tensor(v).detach().clone().contiguous()
        result = metric.compute()
        parts = result if isinstance(result, (tuple, list)) else [result]
        for j, v in enumerate(parts):
            out["%s/expected/%d" % (name, j)] = torch.as_tensor(v).detach().clone().contiguous()
        for j, x in enumerate(inputs):
            out["%s/in%d" % (name, j)] = x.contiguous()
    save_file(out, path, metadata={"cases": ",".join(CASES), "split": ",".join(map(str, SPLIT))})


if __name__ == "__main__":
    main(sys.argv[1])
