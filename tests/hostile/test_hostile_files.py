"""The file system as a user can break it: read-only folders and files, a full disk, links
inside the workspace, a link loop at the lock, names too long. One line naming the path,
nothing written outside the workspace, nothing half done."""

from __future__ import annotations

import errno
import os
import stat

import pytest

from tests.hostile.conftest import MOU, RENJA, assert_clean_failure, files_in, state_of

SET = ("deliverable", "set", RENJA, "W1-D1", "--status", "done", "--on", "2022-03-01")
LETTERS = ("letter", "followup", "--all", "--as-of", "2022-05-01")
ISSUE = ("certificate", "issue", "results/kepatuhan-2022-kota-kupang.csv", "--signed-on", "2023-01-05")


def test_a_read_only_tracker_file_is_not_replaced(example, cli):
    assert cli(example, "number", "next", "letter").exit_code == 0
    tracker = example / "tracker.json"
    tracker.chmod(0o444)  # root may still rename over it: docgen heeds the file's own bits
    try:
        before = state_of(example)
        for args in (("number", "next", "letter"), SET, LETTERS, ISSUE):
            lines = assert_clean_failure(cli(example, *args))
            assert lines[0].startswith("tracker.json: is read-only; docgen will not replace it"), lines
        assert state_of(example) == before
        assert not stat.S_IMODE(tracker.stat().st_mode) & stat.S_IWUSR
        assert cli(example, "number", "list").exit_code == 0  # reading is fine
    finally:
        tracker.chmod(0o644)


@pytest.mark.parametrize(
    ("link", "args"),
    [
        (".docgen", ("number", "next", "letter")),
        ("tracker-history", SET),
        ("outputs", ("build",)),
        ("outputs", LETTERS),
        ("outputs", ISSUE),
        ("agreements", ("agreement", "new", "baru", "--kind", "mou")),
    ],
)
def test_links_inside_the_workspace_are_not_followed_for_writes(example, cli, outside, link, args):
    target = example / link
    if target.exists():
        for path in sorted(target.rglob("*"), reverse=True):
            (outside / path.relative_to(target)).parent.mkdir(parents=True, exist_ok=True)
            if path.is_file():
                path.rename(outside / path.relative_to(target))
            else:
                path.rmdir()
        target.rmdir()
    target.symlink_to(outside, target_is_directory=True)
    before = files_in(outside)
    run = cli(example, *args)
    lines = assert_clean_failure(run)
    assert any(
        line.startswith(f"{link}: is a symbolic link; docgen does not write through links")
        or f": {link}: is a symbolic link" in line
        for line in lines
    ), lines
    assert files_in(outside) == before


def test_a_link_loop_at_the_lock(example, cli):
    (example / ".docgen").mkdir()
    (example / ".docgen" / "lock").symlink_to("lock")
    lines = assert_clean_failure(cli(example, "number", "next", "letter"))
    assert lines == [
        ".docgen/lock: is a symbolic link; docgen does not write through links inside the "
        "workspace (replace it with a real folder or file); nothing was recorded"
    ]


def test_a_template_or_layout_linking_outside_is_not_read(example, cli, outside):
    (outside / "mou.docx").write_bytes(b"PK not really")
    (example / "templates" / "mou.docx").symlink_to(outside / "mou.docx")
    (outside / "sertifikat.toml").write_text("[qr]\nx = 1\ny = 1\n")
    (example / "templates" / "sertifikat.toml").symlink_to(outside / "sertifikat.toml")
    lines = assert_clean_failure(cli(example, "check", "--as-of", "2022-05-01"))
    assert any(line.startswith("templates/mou.docx: links to") for line in lines), lines
    assert any(line.startswith("templates/sertifikat.toml: links to") for line in lines), lines
    lines = assert_clean_failure(cli(example, "build", MOU))
    assert any("templates/mou.docx: links to" in line for line in lines), lines
    assert_clean_failure(cli(example, *ISSUE))


@pytest.mark.parametrize(
    ("folder", "args", "code"),
    [
        ("outputs", ("build",), errno.EROFS),
        ("outputs", LETTERS, errno.ENOSPC),
        ("outputs", ISSUE, errno.EACCES),
        ("outputs", ISSUE, errno.ENOSPC),
        (".docgen", ("number", "next", "letter"), errno.EROFS),
        (".docgen", ISSUE, errno.EACCES),
        ("agreements", ("agreement", "new", "baru", "--kind", "mou"), errno.EACCES),
        ("agreements", (*SET, "--evidence", "docgen.toml"), errno.ENOSPC),
        ("tracker-numbers", ("number", "next", "letter"), errno.ENOSPC),
        ("tracker-history", SET, errno.EROFS),
    ],
)
def test_unwritable_or_full(example, cli, deny_writes, folder, args, code):
    if folder == "tracker-numbers":  # the registry (docs/tracker.md), once it exists
        assert cli(example, "number", "next", "letter").exit_code == 0
    before = state_of(example)
    deny_writes(example / folder, code)
    run = cli(example, *args)
    lines = assert_clean_failure(run)
    assert any(os.strerror(code) in line for line in lines), lines
    assert any(folder in line for line in lines), lines
    assert state_of(example) == before


def test_names_too_long(example, cli, tmp_path):
    long = "x" * 300
    for args in (
        ("monitor", "--xlsx", str(tmp_path / f"{long}.xlsx")),
        ("monitor", "--pdf", str(tmp_path / long / "m.pdf")),
        ("certificate", "issue", f"{long}-2022.csv"),
        ("certificate", "verify", f"{long}.pdf"),
        ("deliverable", "set", RENJA, "W1-D1", "--status", "done", "--evidence", long),
    ):
        lines = assert_clean_failure(cli(example, *args))
        assert len(lines) == 1, lines
    run = cli(tmp_path / long, "check")
    assert_clean_failure(run)


def test_a_folder_where_a_file_goes(example, cli):
    (example / "outputs" / "agreements" / f"{MOU}.docx").mkdir(parents=True)
    lines = assert_clean_failure(cli(example, "build", MOU))
    assert any(f"outputs/agreements/{MOU}.docx: exists and is a folder" in line for line in lines), lines
    (example / "tracker.json").mkdir()
    lines = assert_clean_failure(cli(example, "number", "next", "letter"))
    assert lines[0].startswith("tracker.json: "), lines


def test_monitor_writes_both_files_or_neither(example, cli, tmp_path, deny_writes):
    pdf, xlsx = tmp_path / "ok" / "m.pdf", tmp_path / "ro" / "m.xlsx"
    (tmp_path / "ro").mkdir()
    deny_writes(tmp_path / "ro")
    lines = assert_clean_failure(
        cli(example, "monitor", "--as-of", "2022-05-01", "--pdf", str(pdf), "--xlsx", str(xlsx))
    )
    assert lines[0].startswith(f"--xlsx {xlsx}: cannot write: "), lines
    assert not pdf.exists() and not xlsx.exists()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_fifos_where_docgen_reads_its_files(example, cli):
    os.mkfifo(example / "tracker.json")
    lines = assert_clean_failure(cli(example, "number", "list"))
    assert lines == ["tracker.json: cannot read: not a regular file (a FIFO)"]
    (example / "tracker.json").unlink()
    (example / ".docgen").mkdir(exist_ok=True)
    os.mkfifo(example / ".docgen" / "certificate-key")
    lines = assert_clean_failure(cli(example, *ISSUE))
    assert lines[0].startswith(".docgen/certificate-key: cannot read the certificate signing key"), lines
    os.mkfifo(example / "templates" / "mou.docx")
    lines = assert_clean_failure(cli(example, "build", MOU))
    assert any("templates/mou.docx: is a FIFO, not a regular file" in line for line in lines), lines


def test_unreadable_templates_and_agreements(example, cli, deny_writes):
    from docgen.render.templates import defaults_dir

    (example / "templates" / "mou.docx").write_bytes((defaults_dir() / "mou.docx").read_bytes())
    deny_writes(example / "templates", errno.EACCES, reads=True)
    deny_writes(example / "agreements" / f"{RENJA}.yaml", errno.EACCES, reads=True)
    lines = assert_clean_failure(cli(example, "build"))
    assert any(
        line.startswith(f"agreements/{MOU}.yaml: templates/mou.docx: ") and "Permission denied" in line
        for line in lines
    ), lines
    assert f"agreements/{RENJA}.yaml: cannot read: Permission denied" in lines, lines
    assert not list((example / "outputs").rglob("*.docx"))


def test_init_where_it_cannot_write(cli, tmp_path, deny_writes):
    target = tmp_path / "kantor"
    deny_writes(target, errno.EACCES)
    lines = assert_clean_failure(cli(None, "init", str(target)))
    assert lines[0].startswith(f"{target}") and "Permission denied" in lines[0], lines
