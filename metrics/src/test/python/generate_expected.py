#!/usr/bin/python3
"""Generates metrics/src/test/resources/sklearn-expected.json: inputs and the values scikit-learn gives for them.

Run once with Debian's python3-sklearn (apt-get install python3-sklearn), from the repository root:
    /usr/bin/python3 metrics/src/test/python/generate_expected.py
The tests read the committed JSON only; they never run Python.
"""
import json
import os

import numpy as np
import sklearn
from sklearn import metrics as skm

rng = np.random.default_rng(15)


def softmax(logits):
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def stat_scores(y_true, y_pred, averages):
    out = {}
    for avg in averages:
        out["precision_" + avg] = skm.precision_score(y_true, y_pred, average=avg, zero_division=0)
        out["recall_" + avg] = skm.recall_score(y_true, y_pred, average=avg, zero_division=0)
        out["f1_" + avg] = skm.f1_score(y_true, y_pred, average=avg, zero_division=0)
    return out


def binary_case():
    n = 97
    y = rng.integers(0, 2, n)
    # Scores rounded to one decimal: many ties, which AUROC must handle as sklearn does.
    score = np.round(np.clip(0.35 * y + rng.random(n) * 0.65, 0, 1), 1)
    pred = (score > 0.5).astype(int)
    out = {"target": y.tolist(), "preds": score.tolist(),
           "accuracy": skm.accuracy_score(y, pred), "auroc": skm.roc_auc_score(y, score),
           "confusion_matrix": skm.confusion_matrix(y, pred, labels=[0, 1]).tolist()}
    out.update(stat_scores(y, pred, ["binary"]))
    return out


def multiclass_case():
    n, c = 103, 4
    y = np.concatenate([np.arange(c), rng.integers(0, c, n - c)])
    logits = rng.normal(size=(n, c)) * 2
    logits[np.arange(n), y] += 1.0
    prob = softmax(logits)
    pred = prob.argmax(axis=1)
    out = {"num_classes": c, "target": y.tolist(), "preds": logits.tolist(),
           "accuracy_micro": skm.accuracy_score(y, pred),
           "accuracy_macro": skm.balanced_accuracy_score(y, pred),
           "accuracy_top2": skm.top_k_accuracy_score(y, prob, k=2, labels=list(range(c))),
           "accuracy_top3": skm.top_k_accuracy_score(y, prob, k=3, labels=list(range(c))),
           "auroc_macro": skm.roc_auc_score(y, prob, multi_class="ovr", average="macro"),
           "auroc_weighted": skm.roc_auc_score(y, prob, multi_class="ovr", average="weighted"),
           "confusion_matrix": skm.confusion_matrix(y, pred, labels=list(range(c))).tolist()}
    out.update(stat_scores(y, pred, ["micro", "macro", "weighted"]))
    return out


def multiclass_absent_class_case():
    """Five classes declared, class 4 never in the targets nor the predictions; predictions are class indices."""
    n, c = 61, 5
    y = rng.integers(0, 4, n)
    pred = np.where(rng.random(n) < 0.6, y, rng.integers(0, 4, n))
    pred[:3] = [0, 1, 2]
    out = {"num_classes": c, "target": y.tolist(), "preds": pred.tolist(),
           "accuracy_micro": skm.accuracy_score(y, pred),
           "accuracy_macro": skm.balanced_accuracy_score(y, pred)}
    out.update(stat_scores(y, pred, ["micro", "macro", "weighted"]))
    return out


def multilabel_case():
    n, labels = 89, 3
    y = rng.integers(0, 2, (n, labels))
    prob = np.clip(0.3 * y + rng.random((n, labels)) * 0.7, 0, 1)
    pred = (prob > 0.5).astype(int)
    per_label_accuracy = np.array([skm.accuracy_score(y[:, j], pred[:, j]) for j in range(labels)])
    support = y.sum(axis=0)
    out = {"num_labels": labels, "target": y.tolist(), "preds": prob.tolist(),
           "accuracy_micro": 1 - skm.hamming_loss(y, pred),
           "accuracy_macro": float(per_label_accuracy.mean()),
           "accuracy_weighted": float(np.average(per_label_accuracy, weights=support)),
           "auroc_macro": skm.roc_auc_score(y, prob, average="macro"),
           "auroc_weighted": skm.roc_auc_score(y, prob, average="weighted"),
           "auroc_micro": skm.roc_auc_score(y, prob, average="micro"),
           "confusion_matrices": skm.multilabel_confusion_matrix(y, pred).tolist()}
    out.update(stat_scores(y, pred, ["micro", "macro", "weighted"]))
    return out


def regression_case():
    n = 101
    target = rng.normal(size=n) * 3 + 1
    preds = target + rng.normal(size=n)
    rows_p = rng.normal(size=(31, 5))
    rows_t = rows_p + rng.normal(size=(31, 5)) * 0.8
    return {"target": target.tolist(), "preds": preds.tolist(),
            "mse": skm.mean_squared_error(target, preds),
            "rmse": skm.mean_squared_error(target, preds, squared=False),
            "mae": skm.mean_absolute_error(target, preds),
            "r2": skm.r2_score(target, preds),
            "cosine_target": rows_t.tolist(), "cosine_preds": rows_p.tolist(),
            "cosine_similarity": float(np.diag(skm.pairwise.cosine_similarity(rows_p, rows_t)).mean())}


table = {"sklearn_version": sklearn.__version__, "binary": binary_case(), "multiclass": multiclass_case(),
         "multiclass_absent_class": multiclass_absent_class_case(), "multilabel": multilabel_case(),
         "regression": regression_case()}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "sklearn-expected.json")
with open(path, "w") as f:
    json.dump(table, f, indent=1)
    f.write("\n")
print("wrote", os.path.normpath(path))
