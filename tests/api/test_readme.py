"""The README's API walk-through, run line by line as a user would on a
fresh clone (``git clone`` of this repository, the installed venv on the
PATH), on a free port instead of 8000: keys, ``planner serve`` with no flags
(the embedded case), orders and lots as CSV, a plan job, the manifest."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = ROOT / ".venv" / "bin"


def walk_through() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"<!-- api-walk-through -->\n```bash\n(.*?)```", text, re.DOTALL)
    assert found, "README.md has no API walk-through block"
    return found.group(1)


@pytest.mark.skipif(not (VENV_BIN / "planner").exists(), reason="needs the installed venv (make install)")
def test_the_readme_api_walk_through_works_on_a_fresh_clone(tmp_path):
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True, timeout=120)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    script = walk_through().replace("127.0.0.1:8000", f"127.0.0.1:{port}").replace(
        "planner serve &", f"planner serve --port {port} &")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLANNER_")}
    env["PATH"] = f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}"
    # Output to files, not pipes: a step that fails leaves the background server holding a pipe open,
    # and reading the pipe to its end would wait for the server instead of reporting the step.
    out_file, err_file = tmp_path / "stdout.txt", tmp_path / "stderr.txt"
    with out_file.open("w") as stdout, err_file.open("w") as stderr:
        shell = subprocess.Popen(["bash", "-e", "-o", "pipefail", "-c", script], cwd=clone, env=env, text=True,
                                 stdout=stdout, stderr=stderr, start_new_session=True)
        try:
            shell.wait(timeout=900)
        finally:  # the server it started in the background too, whatever happened
            with contextlib.suppress(ProcessLookupError):
                os.killpg(shell.pid, signal.SIGTERM)
            shell.wait(30)
    out, err = out_file.read_text(), err_file.read_text()
    assert shell.returncode == 0, out[-3000:] + err[-3000:]
    assert '"status":"ready"' in out
    assert '"received":2000' in out and '"received":240' in out, out[-2000:]
    assert '"status": "succeeded"' in out, out[-2000:]
    lines = out.strip().splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("shipment_id,"))
    assert len(lines) - header >= 2  # the header and at least one of viettel-post's manifest lines
