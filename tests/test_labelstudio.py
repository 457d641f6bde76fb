"""Label Studio round trip against a real server on loopback (started by labelstudio_server.sh).

Set CURATE_SKIP_LABEL_STUDIO=1 to skip; otherwise the server's own venv is built on first use
(under ~/.cache/curate-ci, or $CURATE_LS_VENV) and the test runs.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import time
from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from curate.agreement import agreement_report, store_ratings
from curate.annotate.labelstudio import Connection, client, find_project
from curate.cli.main import app
from curate.runs.runner import run_pipeline
from curate.workspace import WorkspaceDB
from tests.conftest import REPO, chat, write_jsonl

pytestmark = pytest.mark.skipif(
    os.environ.get("CURATE_SKIP_LABEL_STUDIO") == "1", reason="CURATE_SKIP_LABEL_STUDIO=1"
)
cli = CliRunner()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def label_studio(tmp_path_factory) -> Iterator[Connection]:
    data_dir = tmp_path_factory.mktemp("label-studio")
    port, token = free_port(), secrets.token_hex(20)
    started = time.monotonic()
    subprocess.run(
        [str(REPO / "tests" / "labelstudio_server.sh"), str(data_dir), str(port), token],
        check=True,
        timeout=900,  # the first run also builds the server's venv
    )
    print(f"label-studio answered /health after {time.monotonic() - started:.0f} s")
    yield Connection(f"http://127.0.0.1:{port}", token)
    os.kill(int((data_dir / "pid").read_text()), signal.SIGTERM)


def verdict(choice: str, comment: str = "") -> list[dict]:
    result = [{"from_name": "verdict", "to_name": "response", "type": "choices",
               "value": {"choices": [choice]}}]  # fmt: skip
    if comment:
        result.append({"from_name": "comment", "to_name": "response", "type": "textarea",
                       "value": {"text": [comment]}})  # fmt: skip
    return result


def test_push_annotate_pull_and_agree(tmp_path, monkeypatch, label_studio):
    monkeypatch.setenv("LABEL_STUDIO_URL", label_studio.url)
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", label_studio.api_key)
    write_jsonl(tmp_path / "d.jsonl", [chat(f"Question {i}?", f"Answer {i}.") for i in range(20)])
    (tmp_path / "pipeline.yaml").write_text("name: ls\ninputs: [d.jsonl]\nstages: [validate]\n")
    run_dir = run_pipeline(tmp_path / "pipeline.yaml").run_dir

    pushed = cli.invoke(app, ["labelstudio", "push", str(run_dir), "--project", "curate review",
                              "--sample", "8", "--label", "off-topic"])  # fmt: skip
    assert pushed.exit_code == 0, pushed.output
    again = cli.invoke(app, ["labelstudio", "push", str(run_dir), "--project", "curate review",
                             "--sample", "8"])  # fmt: skip
    assert "imported 0 examples" in again.output  # the project is reused, nothing doubled

    ls = client(label_studio)
    project = find_project(ls, "curate review")
    tasks = list(ls.tasks.list(project=project.id))
    assert len(tasks) == 8 and all(len(t.data["curate_id"]) == 16 for t in tasks)
    admin = ls.users.whoami()
    second = ls.users.create(username="bob", email="bob@example.com", password="bob-pw-123456")
    for n, task in enumerate(tasks):
        ls.annotations.create(id=task.id, result=verdict("GOOD" if n < 5 else "BAD"),
                              completed_by=admin.id)  # fmt: skip
        theirs = "BAD" if n in (0, 6, 7) else "GOOD"
        ls.annotations.create(id=task.id, result=verdict(theirs, "checked"),
                              completed_by=second.id)  # fmt: skip

    pulled = cli.invoke(app, ["labelstudio", "pull", "--project", "curate review",
                              "--workspace", str(tmp_path)])  # fmt: skip
    assert pulled.exit_code == 0, pulled.output
    assert "stored 16 annotations by 2 annotators" in pulled.output
    with WorkspaceDB(tmp_path) as store:
        rows = store.connection.execute(
            "SELECT annotator, COUNT(*), SUM(comment = 'checked') FROM annotations "
            "GROUP BY annotator ORDER BY annotator"
        ).fetchall()
    assert rows == [("admin@example.com", 8, 0), ("bob@example.com", 8, 8)]
    agree = cli.invoke(app, ["agree", "--workspace", str(tmp_path), "--metric", "percent",
                             "--threshold", "0.9"])  # fmt: skip
    assert agree.exit_code == 1, agree.output  # 6 of 8 items agree
    assert "0.750 (n=8)" in agree.output and "agreement (percent) under 0.9" in agree.output
    with WorkspaceDB(tmp_path) as store:
        (pair,) = agreement_report(store_ratings(store)).pairs
    assert (pair.first, pair.second) == ("admin@example.com", "bob@example.com")
    assert pair.confusion == [[2, 1], [1, 4]]  # rows admin: BAD, GOOD; columns bob
