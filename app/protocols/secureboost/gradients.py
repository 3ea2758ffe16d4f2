"""Logistic loss, its gradients, and the fixed-point grid every histogram is computed on.

One constant scale (``2**scale_bits``) is used for every gradient message of a job: the encoding has
no value-dependent metadata (the phe exponent leak in security.md). Gradients are quantised to that
grid *before* anything else, and the label party's own plaintext histograms use the same integers,
so a split found from decrypted partner histograms is bit-for-bit the split a plaintext run finds.
"""

from __future__ import annotations

import numpy as np

from app.errors import LocalProtocolError

DEFAULT_SCALE_BITS = 24
G_BOUND = 1.0   # |p - y| <= 1
H_BOUND = 0.25  # p (1 - p) <= 1/4


def sigmoid(margin: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(margin, dtype=np.float64)))


def base_margin(y: np.ndarray) -> float:
    """Log-odds of the training base rate (XGBoost's base_score for binary:logistic)."""
    p = float(np.clip(np.mean(y), 1e-6, 1 - 1e-6))
    return float(np.log(p / (1.0 - p)))


def logistic_grad_hess(y: np.ndarray, margin: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    p = sigmoid(margin)
    return p - y, np.maximum(p * (1.0 - p), 1e-16)


def log_loss(y: np.ndarray, margin: np.ndarray) -> float:
    m = np.asarray(margin, dtype=np.float64)
    # log(1 + e^m) - y m, stable for large |m|
    return float(np.mean(np.logaddexp(0.0, m) - y * m))


class FixedPoint:
    """Quantise (g, h) to integers on one grid; decode integer sums back to floats exactly."""

    def __init__(self, scale_bits: int = DEFAULT_SCALE_BITS) -> None:
        if not 8 <= scale_bits <= 40:
            raise LocalProtocolError("The fixed-point scale must be between 8 and 40 bits.")
        self.scale_bits = scale_bits
        self.scale = float(2 ** scale_bits)

    def encode(self, g: np.ndarray, h: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        g = np.clip(np.asarray(g, dtype=np.float64), -G_BOUND, G_BOUND)
        h = np.clip(np.asarray(h, dtype=np.float64), 0.0, H_BOUND)
        return (np.rint(g * self.scale).astype(np.int64),
                np.rint(h * self.scale).astype(np.int64))

    def decode(self, values) -> np.ndarray:
        """Integer sums -> floats (exact while |sum| < 2**53)."""
        return np.asarray(values, dtype=np.float64) / self.scale

    def quantised(self, g_int: np.ndarray, h_int: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The floats the encrypted path packs: exactly representable, so packing is lossless."""
        return self.decode(g_int), self.decode(h_int)
