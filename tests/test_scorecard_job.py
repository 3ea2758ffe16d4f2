"""The scorecard job's regression fields: early stopping from job fields and CLI flags to the
regression over the job's link framing, its loss curves in the report, and the approval text.

The regression runs for real (Paillier, OT triples) on a small default-credit sample; both roles
talk through a pair of in-memory queues carrying the same chunked frames a job's channel does."""

from __future__ import annotations

import argparse
import queue
import threading
from types import SimpleNamespace

import numpy as np
import pytest

from app.commands.train import add_card_args, card_fields
from app.errors import ValidationError
from app.workflows import job_exposure
from app.workflows.training import scorecard
from test_scorecard_sslr import _load

ROWS = 600
FIELDS = {"lr_epochs": 4, "lr_batch_size": 200, "lr_learning_rate": 1.0, "lr_l2": 0.0,
          "lr_valid_fraction": 0.25, "lr_patience": 1}


class _End:
    """One end of an in-memory channel: ``send(type, body)`` / ``recv(timeout)``."""

    def __init__(self, out: queue.Queue, inbox: queue.Queue) -> None:
        self.out, self.inbox = out, inbox

    def send(self, msg_type: str, body: dict) -> None:
        self.out.put((msg_type, body))

    def recv(self, timeout: float = 60.0):
        return self.inbox.get(timeout=timeout)


def test_cli_flags_become_job_fields_and_the_regressions_parameters():
    p = argparse.ArgumentParser()
    p.add_argument("--model", default="scorecard")
    add_card_args(p)
    args = p.parse_args(["--lr-validation-fraction", "0.2", "--lr-patience", "3"])
    fields = card_fields(args)
    assert fields["lr_valid_fraction"] == 0.2 and fields["lr_patience"] == 3
    lr = scorecard._lr_params(fields, SimpleNamespace(seed=7, key_bits=2048))
    assert (lr.valid_fraction, lr.patience, lr.seed) == (0.2, 3, 7)
    # off by default: a job from before these fields trains its fixed number of epochs
    assert scorecard._lr_params({}, SimpleNamespace(seed=7, key_bits=2048)).valid_fraction == 0.0
    with pytest.raises(ValidationError, match="validation share"):
        scorecard.lr_fields({"lr_valid_fraction": 0.95})


def test_approval_text_says_the_partner_learns_when_training_stopped():
    facts = {"kind": "scorecard", "features": 3, "rows": 500, "names_shared": False,
             **scorecard.lr_fields({})}
    assert "stopped" not in job_exposure.sentence(facts)
    text = job_exposure.sentence({**facts, "lr_valid_fraction": 0.25, "lr_patience": 2})
    assert "25% of the training rows" in text and "2 epochs" in text
    assert "you learn at which epoch training stopped" in text


def test_early_stopping_over_the_job_link_reports_both_loss_curves(executor):
    y, xa, xb = (v[:ROWS] for v in _load(ROWS))
    params = SimpleNamespace(seed=3, key_bits=1024)
    to_partner, to_bank = queue.Queue(), queue.Queue()
    got: dict = {}

    def partner() -> None:
        try:
            got["w"] = scorecard.shared_lr_partner(_End(to_bank, to_partner), xb, FIELDS, params,
                                                   executor)
        except BaseException as e:  # surfaced by the assertion below
            got["error"] = e

    thread = threading.Thread(target=partner)
    thread.start()
    intercept, w, curves = scorecard.shared_lr_bank(_End(to_partner, to_bank), xa, y, FIELDS,
                                                    params, executor)
    thread.join()
    assert "error" not in got and len(got["w"]) == xb.shape[1]
    assert np.isfinite(intercept) and len(w) == xa.shape[1]
    losses, valid, best = curves["training_loss"], curves["valid_losses"], curves["best_epoch"]
    assert curves["validation_loss"] == losses          # the old key, kept for its readers
    assert len(valid) == len(losses) and 0 <= best < len(losses)
    assert valid[best] == min(valid)
    # either all epochs ran or it stopped ``patience`` epochs after the best one
    assert len(losses) == FIELDS["lr_epochs"] or len(losses) == best + 1 + FIELDS["lr_patience"]


def pdf_text(path) -> tuple[int, str]:
    """(page count, text of every page) of a PDF as Qt reads it back."""
    from PySide6.QtPdf import QPdfDocument
    doc = QPdfDocument(None)
    doc.load(str(path))
    return doc.pageCount(), "\n".join(doc.getAllText(i).text() for i in range(doc.pageCount()))


def test_review_pdf_spans_pages_and_holds_every_table(tmp_path):
    from app.ui.print_sheets import review_html, write_review_pdf
    from app.workflows.training import ReviewDocument

    metrics = {"points_scale": {"base_score": 600, "base_odds": 50, "pdo": 20},
               "iv": [{"feature": f"f{i}", "party": "bank", "iv": 0.1, "bins": 4,
                       "selected": True, "strength": "medium"} for i in range(30)],
               "scorecard": [{"feature": f"f{i // 4}", "party": "bank", "bin": f"[{i}, {i + 1})",
                              "rows": 10, "event_rate": 0.2, "woe": 0.1, "points": 1.5}
                             for i in range(120)]
               + [{"feature": "partner points", "party": "partner", "bin": "(per customer)",
                   "woe": None, "points": None}]}
    document = ReviewDocument("Model M - model-risk review",
                              [("Model record", "", ["Field", "Value"], [["seed", "5"]]),
                               *scorecard.card_tables(metrics)])
    write_review_pdf(tmp_path / "card.pdf", document)
    assert (tmp_path / "card.pdf").read_bytes().startswith(b"%PDF")
    pages, text = pdf_text(tmp_path / "card.pdf")
    assert pages >= 2   # 150+ rows do not fit on one page
    shown = review_html(document)
    for expected in ("IV table", "Scorecard", "base score 600 at odds 50, 20 points to double",
                     "f29", "[119, 120)", "partner points"):
        assert expected in shown and expected in text
