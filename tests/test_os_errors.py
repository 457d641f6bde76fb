"""Operating-system errors (unreadable files, link loops, folders that cannot be written, a
full disk) end a command with one line naming the path and exit status 2, not a traceback;
after a full disk, the same command resumes from the stages already finished."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from curate.cli.main import app
from tests.conftest import chat, write_jsonl

runner = CliRunner()


def _permission_bits_are_enforced() -> bool:
    """False as root (or with CAP_DAC_OVERRIDE), where chmod cannot make a file unreadable."""
    if os.geteuid() != 0:
        return True
    with tempfile.TemporaryDirectory() as folder:
        probe = Path(folder) / "probe"
        probe.write_text("x")
        probe.chmod(0)
        try:
            probe.read_text()
        except PermissionError:
            return True
    return False


needs_permissions = pytest.mark.skipif(
    not _permission_bits_are_enforced(),
    reason="running as root: permission bits are not enforced, so chmod cannot deny access",
)


def workspace(tmp_path: Path, *, extra: str = "") -> Path:
    """A workspace with 40 chat rows and a pipeline; returns the pipeline file."""
    rows = [
        chat(
            f"Question {i}: when does order {100 + i} ship?", f"Order {100 + i} ships in {i} days."
        )
        for i in range(40)
    ]
    write_jsonl(tmp_path / "d.jsonl", rows)
    pipeline = tmp_path / "p.yaml"
    pipeline.write_text(f"{extra}inputs: [d.jsonl]\nstages: [validate, exact_dedup]\n")
    return pipeline


def curate(*args: str):
    return runner.invoke(app, [str(a) for a in args])


def assert_one_line_error(result, *words: str) -> None:
    """Exit 2, no traceback, and an ``error:`` line holding ``words`` (a hint may follow)."""
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    (line,) = [x for x in result.output.splitlines() if x.startswith("error: ")]
    for word in words:
        assert word in line, line


@pytest.fixture
def restore_permissions():
    """chmod'ed paths get their permissions back, so that tmp_path can be cleaned up."""
    changed: list[Path] = []
    yield changed
    for path in changed:
        path.chmod(0o755)


def deny(path: Path, mode: int, changed: list[Path]) -> None:
    path.chmod(mode)
    changed.append(path)


@needs_permissions
def test_an_unreadable_input_is_one_line_naming_it(tmp_path, restore_permissions):
    pipeline = workspace(tmp_path)
    deny(tmp_path / "d.jsonl", 0o000, restore_permissions)
    assert_one_line_error(curate("run", pipeline), "d.jsonl", "Permission denied")


def test_an_input_that_is_a_symlink_loop_is_one_line_saying_so(tmp_path):
    pipeline = workspace(tmp_path)
    (tmp_path / "loop_a").symlink_to(tmp_path / "loop_b")
    (tmp_path / "loop_b").symlink_to(tmp_path / "loop_a")
    result = curate("run", pipeline, "--input", str(tmp_path / "loop_a"))
    assert_one_line_error(result, "loop_a", "symbolic link loop")


def test_an_input_that_is_a_dangling_symlink_names_its_target(tmp_path):
    pipeline = workspace(tmp_path)
    (tmp_path / "gone.jsonl").symlink_to(tmp_path / "moved-away.jsonl")
    result = curate("run", pipeline, "--input", str(tmp_path / "gone.jsonl"))
    assert_one_line_error(result, "gone.jsonl", "symbolic link to a missing file")


@needs_permissions
def test_an_output_folder_that_cannot_be_written_is_one_line(tmp_path, restore_permissions):
    pipeline = workspace(tmp_path)
    locked = tmp_path / "locked"
    locked.mkdir()
    deny(locked, 0o555, restore_permissions)
    assert_one_line_error(
        curate("run", pipeline, "--out", locked / "run"), "locked/run", "Permission denied"
    )


@needs_permissions
def test_an_output_folder_whose_parent_cannot_be_written_is_one_line(tmp_path, restore_permissions):
    pipeline = workspace(tmp_path)
    locked = tmp_path / "locked"
    locked.mkdir()
    deny(locked, 0o555, restore_permissions)
    result = curate("run", pipeline, "--out", locked / "new" / "run")
    assert_one_line_error(result, "locked/new", "Permission denied")


def test_a_workspace_that_is_a_file_is_one_line_saying_so(tmp_path):
    pipeline = workspace(tmp_path, extra="workspace: ws\n")
    (tmp_path / "ws").write_text("not a folder")
    assert_one_line_error(curate("run", pipeline), "ws", "the workspace is a file, not a folder")


def test_a_workspace_under_a_file_is_one_line(tmp_path):
    pipeline = workspace(tmp_path, extra="workspace: afile/ws\n")
    (tmp_path / "afile").write_text("not a folder")
    assert_one_line_error(curate("run", pipeline), "afile", "cannot create the workspace")


@needs_permissions
def test_a_workspace_that_cannot_be_written_is_one_line(tmp_path, restore_permissions):
    pipeline = workspace(tmp_path, extra="workspace: ws\n")
    (tmp_path / "ws").mkdir()
    deny(tmp_path / "ws", 0o555, restore_permissions)
    result = curate("run", pipeline)
    assert_one_line_error(result, "ws", "cannot write in the workspace", "Permission denied")


@needs_permissions
def test_a_read_only_workspace_database_is_one_line(tmp_path, restore_permissions):
    pipeline = workspace(tmp_path, extra="workspace: ws\n")
    assert curate("run", pipeline).exit_code == 0
    deny(tmp_path / "ws" / "workspace.db", 0o444, restore_permissions)
    result = curate("run", pipeline, "--out", tmp_path / "again")
    assert_one_line_error(result, "workspace database", "readonly")


def export_files(run_dir: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((run_dir / "export").glob("*.jsonl"))}


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
def test_a_full_disk_during_a_stage_write_is_one_line_and_the_rerun_resumes(tmp_path, monkeypatch):
    pipeline = workspace(tmp_path)
    write_parquet = pl.DataFrame.write_parquet

    def disk_fills_at_validate(frame, file, *args, **kwargs):
        # the real writer, on a device that is always full: polars raises its own error
        if ".02_validate." in str(file):
            file = "/dev/full"
        return write_parquet(frame, file, *args, **kwargs)

    monkeypatch.setattr(pl.DataFrame, "write_parquet", disk_fills_at_validate)
    out = tmp_path / "run"
    result = curate("run", pipeline, "--out", out)
    assert_one_line_error(result, "02_validate", "No space left on device")
    assert "run the same command again" in result.output
    assert not (out / "stages" / "02_validate").exists()

    monkeypatch.undo()  # space freed
    again = curate("run", pipeline, "--out", out)
    assert again.exit_code == 0, again.output
    assert "ingest" in again.output and "(reused)" in again.output
    assert curate("run", pipeline, "--out", tmp_path / "fresh").exit_code == 0
    assert export_files(out) == export_files(tmp_path / "fresh")


def test_a_full_disk_during_export_is_one_line_and_the_rerun_finishes(tmp_path, monkeypatch):
    pipeline = workspace(tmp_path)
    write_bytes = Path.write_bytes

    def disk_fills_at_train_split(path, data):
        if path.name == "train.jsonl" and ".export." in str(path):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))  # as write() raises it
        return write_bytes(path, data)

    monkeypatch.setattr(Path, "write_bytes", disk_fills_at_train_split)
    out = tmp_path / "run"
    result = curate("run", pipeline, "--out", out)
    assert_one_line_error(result, str(out / "export"), "No space left on device")
    assert not (out / "export").exists() and not (out / "manifest.json").exists()

    monkeypatch.undo()
    again = curate("run", pipeline, "--out", out)
    assert again.exit_code == 0, again.output
    assert again.output.count("(reused)") == 5  # ingest, overrides, validate, dedup, split
    fresh = curate("run", pipeline, "--out", tmp_path / "fresh")
    assert fresh.exit_code == 0
    assert export_files(out) == export_files(tmp_path / "fresh")


def test_a_full_disk_error_from_any_writer_names_the_atomic_target(tmp_path):
    from curate.io.atomic import atomic_path

    target = tmp_path / "out.txt"
    target.write_text("before")
    with pytest.raises(OSError) as info, atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("parquet: underlying IO error: No space left on device (os error 28)")
    assert (info.value.errno, info.value.filename) == (errno.ENOSPC, str(target))
    assert target.read_text() == "before"
    assert list(tmp_path.iterdir()) == [target]


def test_an_empty_input_fails_the_run_saying_the_file_is_empty(tmp_path):
    (tmp_path / "d.jsonl").write_bytes(b"")
    (tmp_path / "p.yaml").write_text("inputs: [d.jsonl]\n")
    result = curate("run", tmp_path / "p.yaml")
    assert_one_line_error(result, "d.jsonl", "holds no rows", "the file is empty")
    assert "rows in" not in result.output


def test_an_empty_input_beside_others_is_a_warning_and_the_run_goes_on(tmp_path):
    pipeline = workspace(tmp_path)
    (tmp_path / "blank.jsonl").write_bytes(b"\n  \n")
    result = curate(
        "run", pipeline, "--input", tmp_path / "blank.jsonl", "--input", tmp_path / "d.jsonl"
    )
    assert result.exit_code == 0, result.output
    assert "warning: " in result.output and "blank.jsonl: holds no rows" in result.output
    assert "40 rows in" in result.output
