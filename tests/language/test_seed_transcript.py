"""The seed notebook, pasted as a file, prints in gradlang exactly what Python + PyTorch print."""

from __future__ import annotations

from .helpers import EXAMPLES, gradlang, headlines, python_interactive


def test_seed_tour_transcript_matches_pytorch(torch):
    source = (EXAMPLES / "seed_tour.grad").read_text()
    expected_out, expected_reports = python_interactive(source)
    done = gradlang("-i", stdin=source)
    assert done.returncode == 0
    assert done.stdout == expected_out
    assert headlines(done.stderr) == expected_reports


def test_seed_tour_shows_the_notebook_outputs():
    done = gradlang("-i", stdin=(EXAMPLES / "seed_tour.grad").read_text())
    for shown in ("tensor(9., grad_fn=<PowBackward0>)", "-7.661275842587077", "tensor(-7.6613)",
                  "Manual Gradient of loss w.r.t weight (dw): 6.691762447357178",
                  "tensor(6.7012, grad_fn=<NegBackward0>)", "tensor([0.6667, 1.3333, 2.0000])"):
        assert shown in done.stdout
    assert "RuntimeError: element 0 of tensors does not require grad and does not have a grad_fn" in done.stderr
    assert "NameError: name 'y1' is not defined" in done.stderr
    assert "Traceback" not in done.stderr
