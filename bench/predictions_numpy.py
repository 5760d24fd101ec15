"""The numpy reference for bench/predictions.ts: the same work as the predictions check, done the
fastest honest numpy way. Reads both `id,label` CSV files with np.loadtxt (numpy 2.x's C reader;
np.genfromtxt is ~40x slower), aligns predictions to labels by id (a straight comparison when both
list the same ids in the same order, a scatter into an id-indexed table for dense integer ids, else
a sort-based join; the first prediction per id wins),
builds the confusion matrix with np.bincount and computes precision, recall, F1, macro/weighted F1,
accuracy and the zero-F1 count with the same rules as mlgrade (0/0 = 0; macro over classes with
support or predictions; missing predictions are wrong).

Word labels (--string-labels): loadtxt with a structured dtype (int64 id, unicode label); classes
come from np.unique and labels become class indexes with np.searchsorted, as for integers.

Usage: python3 bench/predictions_numpy.py LABELS.csv PREDICTIONS.csv [RUNS] [--string-labels]
Prints one JSON object: median and per-run wall times in ms, and the metrics (to cross-check).
"""
import json
import sys
import time

import numpy as np


def read(path, string_labels):
    if string_labels:
        table = np.loadtxt(path, delimiter=",", skiprows=1, dtype=[("id", "i8"), ("label", "U32")], ndmin=1)
        return table["id"], table["label"]
    table = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.int64, ndmin=2)
    return table[:, 0], table[:, 1]


def align(label_ids, prediction_ids, predicted, missing):
    """Predicted label per label row; -1 where the id has no prediction. First prediction per id wins."""
    if label_ids.shape == prediction_ids.shape and np.array_equal(label_ids, prediction_ids):
        return predicted
    largest = max(int(label_ids.max()), int(prediction_ids.max()))
    if min(int(label_ids.min()), int(prediction_ids.min())) >= 0 and largest < 8 * len(label_ids) + 1024:
        # Dense ids: scatter into a table indexed by id (reversed, so the first occurrence is written last).
        by_id = np.full(largest + 1, missing, dtype=predicted.dtype)
        by_id[prediction_ids[::-1]] = predicted[::-1]
        return by_id[label_ids]
    unique_ids, first = np.unique(prediction_ids, return_index=True)
    position = np.clip(np.searchsorted(unique_ids, label_ids), 0, max(len(unique_ids) - 1, 0))
    found = unique_ids[position] == label_ids
    return np.where(found, predicted[first[position]], missing)


def score(labels_path, predictions_path, string_labels):
    label_ids, truth = read(labels_path, string_labels)
    prediction_ids, predicted = read(predictions_path, string_labels)
    aligned = align(label_ids, prediction_ids, predicted, "" if string_labels else -1)
    classes = np.unique(truth)
    k = len(classes)
    true_index = np.searchsorted(classes, truth)
    guess = np.clip(np.searchsorted(classes, aligned), 0, k - 1)
    guess = np.where(classes[guess] == aligned, guess, k)  # k = no usable prediction
    matrix = np.bincount(true_index * (k + 1) + guess, minlength=k * (k + 1)).reshape(k, k + 1)
    hits = np.diag(matrix[:, :k]).astype(np.float64)
    support = matrix.sum(axis=1).astype(np.float64)
    predicted_count = matrix[:, :k].sum(axis=0).astype(np.float64)
    precision = np.divide(hits, predicted_count, out=np.zeros(k), where=predicted_count > 0)
    recall = np.divide(hits, support, out=np.zeros(k), where=support > 0)
    total = precision + recall
    f1 = np.divide(2 * precision * recall, total, out=np.zeros(k), where=total > 0)
    scored = (support > 0) | (predicted_count > 0)
    return {
        "accuracy": float(hits.sum() / len(truth)),
        "macro_f1": float(f1[scored].mean()),
        "weighted_f1": float((f1 * support).sum() / support.sum()),
        "zero_f1_classes": int(((f1 == 0) & scored).sum()),
    }


def main():
    args = [arg for arg in sys.argv[1:] if not arg.startswith("--")]
    string_labels = "--string-labels" in sys.argv
    labels_path, predictions_path = args[0], args[1]
    runs = int(args[2]) if len(args) > 2 else 7
    times = []
    metrics = None
    for _ in range(runs):
        started = time.perf_counter()
        metrics = score(labels_path, predictions_path, string_labels)
        times.append((time.perf_counter() - started) * 1000)
    print(json.dumps({"numpy": np.__version__, "median_ms": float(np.median(times)), "runs_ms": times, "metrics": metrics}))


if __name__ == "__main__":
    main()
