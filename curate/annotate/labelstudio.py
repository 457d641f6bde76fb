"""Push a run's examples to a Label Studio project for review; pull the labels back."""

from __future__ import annotations

import json
import os
import random
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

import httpx
import orjson
import polars as pl
import yaml

from curate.errors import CurateError
from curate.runs.layout import RunLayout
from curate.workspace import WorkspaceDB

CONFIG_FILE = "labelstudio.yaml"  # in the workspace: url, api_key (env vars win)


@dataclass(frozen=True)
class Connection:
    url: str
    api_key: str


def connection(workspace: Path) -> Connection:
    """LABEL_STUDIO_URL / LABEL_STUDIO_API_KEY, else ``<workspace>/labelstudio.yaml``."""
    path = workspace / CONFIG_FILE
    saved: dict[str, Any] = yaml.safe_load(path.read_text()) or {} if path.is_file() else {}
    url = os.environ.get("LABEL_STUDIO_URL") or saved.get("url")
    key = os.environ.get("LABEL_STUDIO_API_KEY") or saved.get("api_key")
    if not url or not key:
        missing = "LABEL_STUDIO_URL" if not url else "LABEL_STUDIO_API_KEY"
        raise CurateError(
            f"{missing} is not set",
            file=path,
            hint="export LABEL_STUDIO_URL and LABEL_STUDIO_API_KEY, or put url: and api_key: "
            f"in {CONFIG_FILE}",
        )
    return Connection(url.rstrip("/"), key)


def client(conn: Connection) -> Any:
    try:
        from label_studio_sdk import LabelStudio
    except ImportError as exc:
        raise CurateError("label-studio-sdk is missing; pip install 'curate[labelstudio]'") from exc
    return LabelStudio(base_url=conn.url, api_key=conn.api_key)


def review_config(labels: list[str] | None = None) -> str:
    """The labelling interface: prompt, response, GOOD/BAD, optional labels, comment."""
    extra = ""
    if labels:
        choices = "".join(f"<Choice value={quoteattr(label)}/>" for label in labels)
        extra = f'<Choices name="labels" toName="response" choice="multiple">{choices}</Choices>'
    return (
        '<View><Header value="Prompt"/><Text name="prompt" value="$prompt"/>'
        '<Header value="Response"/><Text name="response" value="$response"/>'
        '<Choices name="verdict" toName="response" choice="single" required="true">'
        '<Choice value="GOOD"/><Choice value="BAD"/></Choices>'
        f'{extra}<TextArea name="comment" toName="response" maxSubmissions="1"/></View>'
    )


def run_examples(run_dir: Path) -> pl.DataFrame:
    """The examples a run kept last (its latest stage output)."""
    latest = RunLayout(run_dir).latest()
    if latest is None:
        raise CurateError("this run has no stage output yet", file=run_dir)
    return pl.read_parquet(latest.kept, columns=["id", "messages"])


def task_data(example_id: str, messages: list[dict[str, str]]) -> dict[str, str]:
    """One task: the last assistant turn is the response; the turns before it the prompt."""
    last = max((i for i, m in enumerate(messages) if m["role"] == "assistant"), default=None)
    before = messages if last is None else messages[:last]
    prompt = "\n\n".join(f"[{m['role']}] {m['content']}" for m in before)
    response = "" if last is None else messages[last]["content"]
    return {"curate_id": example_id, "prompt": prompt, "response": response}


# an Authorization header's value as a server may echo it: "Token <key>", "Bearer <jwt>"
_CREDENTIAL = re.compile(r"\b(Token|Bearer)(\s+)[^\s'\",;}\]]{8,}")
DETAIL_CHARS = 300  # of a server's error body in the message (an HTML page is long)


def scrub(text: str, conn: Connection) -> str:
    """``text`` with the API key, and any token an Authorization header carried (the SDK
    swaps a refresh token for an access token), replaced by ``[redacted]``."""
    if conn.api_key:
        text = text.replace(conn.api_key, "[redacted]")
    return _CREDENTIAL.sub(r"\1\2[redacted]", text)


@contextmanager
def server_errors(conn: Connection) -> Iterator[None]:
    """Turn the server's refusals and a dead connection into one-line user errors, with
    any credential the server echoed back scrubbed out."""
    from label_studio_sdk.core.api_error import ApiError

    try:
        yield
    except ApiError as exc:
        body = exc.body if isinstance(exc.body, dict) else {}
        detail = body.get("validation_errors") or body.get("detail") or exc.body
        detail = " ".join(str(detail).split())[:DETAIL_CHARS]
        raise CurateError(
            scrub(f"Label Studio at {conn.url} refused: {exc.status_code} {detail}", conn)
        ) from None
    except httpx.TransportError as exc:
        raise CurateError(
            scrub(f"cannot reach Label Studio at {conn.url}: {exc}", conn),
            hint="is the server running?",
        ) from None
    except json.JSONDecodeError as exc:  # the SDK reads a token refresh's reply as JSON
        raise CurateError(
            f"Label Studio at {conn.url} sent a reply that is not JSON ({exc.msg})",
            hint="is LABEL_STUDIO_URL the server itself, not a proxy's page?",
        ) from None


def find_project(ls: Any, title: str) -> Any | None:
    return next((p for p in ls.projects.list(title=title) if p.title == title), None)


def push(
    run_dir: Path,
    project: str,
    *,
    conn: Connection,
    sample: int | None = None,
    seed: int = 0,
    labels: list[str] | None = None,
) -> tuple[int, int]:
    """Create (or reuse) the project and import the run's examples not yet in it.
    Returns (project id, tasks imported)."""
    rows = run_examples(run_dir).to_dicts()
    if sample is not None and sample < len(rows):
        rows = random.Random(seed).sample(rows, sample)
    with server_errors(conn):  # the client checks the key when it is made
        return _push(client(conn), rows, project, labels)


def _push(ls: Any, rows: list[dict[str, Any]], project: str, labels: list[str] | None):  # type: ignore[no-untyped-def]
    found = find_project(ls, project)
    if found is None:
        found = ls.projects.create(title=project, label_config=review_config(labels))
    present = {t.data.get("curate_id") for t in ls.tasks.list(project=found.id)}
    tasks = [{"data": task_data(r["id"], r["messages"])} for r in rows if r["id"] not in present]
    if tasks:
        ls.projects.import_tasks(found.id, request=tasks)
    return found.id, len(tasks)


def exported_ratings(ls: Any, project_id: int) -> pl.DataFrame:
    """One row per submitted annotation: item_id, annotator (e-mail), label, score, comment."""
    users = {u.id: (u.email or u.username) for u in ls.users.list()}
    exported = ls.projects.exports.as_json(project_id)
    rows = []
    for task in exported:
        task = task if isinstance(task, dict) else orjson.loads(orjson.dumps(task, default=dict))
        item = task["data"].get("curate_id")
        for annotation in task.get("annotations", []):
            if annotation.get("was_cancelled") or item is None:
                continue
            parts = {r["from_name"]: r["value"] for r in annotation.get("result", [])}
            verdict = (parts.get("verdict") or {}).get("choices", [None])[0]
            if verdict is None:
                continue
            who = annotation.get("completed_by")
            who = who.get("id") if isinstance(who, dict) else who
            comment = " ".join((parts.get("comment") or {}).get("text", []))
            rows.append((item, users.get(who, f"user{who}"), verdict, None, comment))
    schema = {"item_id": pl.String, "annotator": pl.String, "label": pl.String,
              "score": pl.Float64, "comment": pl.String}  # fmt: skip
    return pl.DataFrame(rows, schema=schema, orient="row")


def pull(store: WorkspaceDB, project: str, *, conn: Connection) -> pl.DataFrame:
    """Export the project's annotations and store them in workspace.db; returns them."""
    from curate.agreement.review import record_annotations

    with server_errors(conn):
        ls = client(conn)
        found = find_project(ls, project)
        if found is None:
            raise CurateError(f"no Label Studio project named '{project}' at {conn.url}")
        ratings = exported_ratings(ls, found.id)
    record_annotations(store, ratings, source=f"labelstudio:{project}")
    return ratings
