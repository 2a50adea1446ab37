"""Start-up and exit of a gradlang process (gradlang/startup.py)."""

from __future__ import annotations

import gc
import subprocess
import sys

import pytest

from gradlang.startup import FLUSH_FAILED, collection_paused


def _python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("enabled", [True, False])
def test_the_collector_is_paused_inside_and_restored_after(enabled):
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        with collection_paused():
            assert not gc.isenabled()
        assert gc.isenabled() is enabled
        with pytest.raises(KeyError), collection_paused():
            raise KeyError("an import that fails")
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


def test_importing_gradlang_leaves_the_collector_on():
    done = _python("import gc, gradlang; assert gc.isenabled(); print(gradlang.tensor(2.0) * 3)")
    assert (done.returncode, done.stdout, done.stderr) == (0, "tensor(6.)\n", "")


def test_leave_flushes_buffered_output_runs_exit_handlers_and_keeps_the_status():
    done = _python(
        "import atexit, sys\n"
        "from gradlang.startup import leave\n"
        "atexit.register(lambda: print('handler ran'))\n"
        "sys.stdout.write('buffered, no newline')\n"
        "sys.stderr.write('to stderr')\n"
        "leave(3)\n"
    )
    assert (done.returncode, done.stdout, done.stderr) == (3, "buffered, no newlinehandler ran\n", "to stderr")


def test_leave_reports_output_it_could_not_write_as_python_does():
    # Python exits 120 when its final flush of stdout fails (its reader gone, a full disk).
    code = (
        "import sys\n"
        "from gradlang.startup import leave\n"
        "class Unwritable:\n"
        "    def flush(self):\n"
        "        raise BrokenPipeError(32, 'Broken pipe')\n"
        "sys.stdout = Unwritable()\n"
        "leave(0)\n"
    )
    assert _python(code).returncode == FLUSH_FAILED
    assert _python(code.replace("leave(0)", "leave(1)")).returncode == 1  # a failure already reported stays


def test_the_command_settles_and_leaves_with_main_status(monkeypatch):
    import gradlang.cli
    import gradlang.startup

    left = []
    monkeypatch.setattr(gradlang.startup, "leave", left.append)
    monkeypatch.setattr(gradlang.startup, "settle", lambda: None)  # the test process keeps its collector as is
    monkeypatch.setattr(sys, "argv", ["gradlang", "-c", "x = 1"])
    gradlang.cli.command()
    monkeypatch.setattr(sys, "argv", ["gradlang", "-c", "1 / 0"])
    gradlang.cli.command()
    assert left == [0, 1]


def test_python_dash_m_is_the_command():
    done = subprocess.run([sys.executable, "-m", "gradlang", "-c", "print 1 + 1"], capture_output=True, text=True,
                          timeout=60)
    assert (done.returncode, done.stdout) == (0, "2\n")
