"""Logistic regression on a seeded synthetic two-class dataset (numpy only).

Writes metrics.json (accuracy and loss on a held-out split) and logs/train.csv
(step, loss, val_loss, val_accuracy). The same seed gives the same numbers.
"""
import argparse
import json
import os

import numpy as np


def make_data(rng, n=2000, dim=8):
    centres = rng.normal(0, 1.0, size=(2, dim))
    labels = rng.integers(0, 2, size=n)
    features = centres[labels] + rng.normal(0, 1.6, size=(n, dim))
    return features, labels


def loss_and_accuracy(weights, bias, x, y):
    p = 1 / (1 + np.exp(-(x @ weights + bias)))
    eps = 1e-12
    loss = -np.mean(y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps))
    return float(loss), float(np.mean((p > 0.5) == y))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--epochs", type=int, default=60)
    parser.add_argument("--lr", type=float, default=0.02)
    parser.add_argument("--out", default="metrics.json")
    parser.add_argument("--log", default="logs/train.csv")
    args = parser.parse_args()

    data_rng = np.random.default_rng(1234)  # the dataset is fixed; the seed drives training
    x, y = make_data(data_rng)
    x_train, y_train, x_val, y_val = x[:1500], y[:1500], x[1500:], y[1500:]
    rng = np.random.default_rng(args.seed)
    weights = rng.normal(0, 1.5, size=x.shape[1])
    bias = 0.0

    os.makedirs(os.path.dirname(args.log) or ".", exist_ok=True)
    with open(args.log, "w") as log:
        log.write("step,loss,val_loss,val_accuracy\n")
        for epoch in range(args.epochs):
            order = rng.permutation(len(x_train))
            for start in range(0, len(order), 100):
                batch = order[start:start + 100]
                p = 1 / (1 + np.exp(-(x_train[batch] @ weights + bias)))
                error = p - y_train[batch]
                weights -= args.lr * x_train[batch].T @ error / len(batch)
                bias -= args.lr * float(np.mean(error))
            loss, _ = loss_and_accuracy(weights, bias, x_train, y_train)
            val_loss, val_accuracy = loss_and_accuracy(weights, bias, x_val, y_val)
            log.write(f"{epoch + 1},{loss:.6f},{val_loss:.6f},{val_accuracy:.4f}\n")

    val_loss, val_accuracy = loss_and_accuracy(weights, bias, x_val, y_val)
    with open(args.out, "w") as out:
        json.dump({"accuracy": round(val_accuracy, 4), "loss": round(val_loss, 4)}, out, indent=2)
        out.write("\n")


if __name__ == "__main__":
    main()
