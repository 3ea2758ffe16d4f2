"""A federated scorecard: WOE/IV binning, a secret-shared logistic regression, points.

Binning and WOE/IV: ``binning`` (merge maps), ``woe`` (WOE, IV, selection), ``federated`` (per-bin
label counts of the partner's bins under Paillier); points: ``points``. See docs/scorecard.md.
"""
