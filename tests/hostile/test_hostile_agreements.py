"""Hostile agreement files: alias bombs, terms past 9999, control characters, wrong types,
duplicate ids, FIFOs, links out of the workspace, device names, huge files."""

from __future__ import annotations

import os

import pytest

from tests.hostile.conftest import MOU, RENJA, assert_clean_failure, assert_no_bug, state_of

BOMB = 'id: bomb\nkind: mou\na: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{n}: &{n} [{', '.join(['*' + p] * 9)}]\n" for p, n in zip("abcdefgh", "bcdefghi", strict=True)
)
# Every command that loads agreements (what it needs to run with the example).
LOADING = [
    ("check",),
    ("agreement", "list"),
    ("agreement", "show", MOU),
    ("build",),
    ("deliverable", "list"),
    ("monitor",),
    ("letter", "followup", "--all", "--as-of", "2022-05-01"),
]


def line_of(text: str, needle: str) -> int:
    """The line (from 1) of the first line of `text` holding `needle`."""
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def _mou_text(example, agreement_id: str) -> str:
    return (example / "agreements" / f"{MOU}.yaml").read_text(encoding="utf-8").replace(MOU, agreement_id)


def test_alias_bomb_is_refused_unexpanded(example, cli):
    (example / "agreements" / "bomb.yaml").write_text(BOMB, encoding="utf-8")
    run = cli(example, "agreement", "list", "--as-of", "2022-05-01")
    assert run.exit_code == 0
    assert "warning: agreements/bomb.yaml: skipped" in run.stderr
    run = cli(example, "agreement", "show", "bomb")
    lines = assert_clean_failure(run)
    assert lines == [
        "agreements/bomb.yaml: YAML anchors and aliases (&name, *name) are not allowed in "
        "agreement files; write the value out (line 3)"
    ]


def test_a_term_past_9999_is_a_field_error_of_its_file(example, cli):
    text = (
        _mou_text(example, "far")
        .replace("signed_on: 2021-12-20", "signed_on: 9999-12-31")
        .replace("duration_months: 60", "duration_months: 1")
    )
    (example / "agreements" / "far.yaml").write_text(text, encoding="utf-8")
    lines = assert_clean_failure(cli(example, "check"))
    assert [line for line in lines if "far.yaml" in line] == [
        "agreements/far.yaml: duration_months: a term of 1 months from 9999-12-31 runs past "
        f"9999-12-31, the last date docgen handles (line {line_of(text, 'duration_months')})"
    ]
    for args in LOADING[1:]:
        run = cli(example, *args)
        assert_no_bug(run)
        assert "year 10000" not in run.stderr
    run = cli(example, "agreement", "list", "--json")
    assert {r["id"] for r in run.json()} == {MOU, RENJA}


def test_control_characters_are_field_errors(example, cli):
    renja = example / "agreements" / f"{RENJA}.yaml"
    original = renja.read_text(encoding="utf-8")
    for char, code in (
        ("\\v", "U+000B (vertical tab)"),
        ("\\0", "U+0000 (NUL)"),
        ("\\a", "U+0007 (bell)"),
        ("\\f", "U+000C (form feed)"),
        ("\\uFFFE", "U+FFFE (a Unicode non-character)"),
        ("\\x1b", "U+001B (escape)"),
        ("\\x85", "U+0085 (a control character)"),
        ("\\r", "U+000D (carriage return)"),
        ("\\uFDD0", "U+FDD0"),
    ):
        renja.write_text(
            original.replace("title: Rapat koordinasi triwulan I,", f'title: "Rapat{char}koordinasi",'),
            encoding="utf-8",
        )
        lines = assert_clean_failure(cli(example, "agreement", "show", RENJA))
        assert len(lines) == 1, lines
        assert lines[0].startswith(
            f"agreements/{RENJA}.yaml: work_items #1, deliverables #1, title: contains {code}"
        ), lines
        assert lines[0].endswith(
            "which text may not hold (only newline and tab among the control "
            f"characters); remove it (line {line_of(original, 'W1-D1')})"
        )
    # Newline and tab are text.
    renja.write_text(
        original.replace("title: Rapat koordinasi triwulan I,", 'title: "Rapat\\tkoordinasi\\ntriwulan I",'),
        encoding="utf-8",
    )
    assert cli(example, "agreement", "show", RENJA).exit_code == 0


@pytest.mark.parametrize("char", ["\\v", "\\uFFFE"])
def test_nothing_is_written_from_a_file_with_control_characters(example, cli, edit, tmp_path, char):
    renja = example / "agreements" / f"{RENJA}.yaml"
    edit(renja, "title: Rapat koordinasi triwulan I,", f'title: "Rapat{char}koordinasi",')
    before = state_of(example)
    run = cli(example, "build", RENJA)
    assert_clean_failure(run)
    run = cli(
        example,
        "monitor",
        "--as-of",
        "2022-05-01",
        "--xlsx",
        str(tmp_path / "m.xlsx"),
        "--pdf",
        str(tmp_path / "m.pdf"),
    )
    assert run.exit_code == 0 and f"agreements/{RENJA}.yaml: skipped" in run.stderr
    assert_no_bug(cli(example, "letter", "followup", RENJA, "--as-of", "2022-05-01"))
    assert state_of(example) == before  # no draft, no letter, no number from that file


def test_duration_months_true_is_a_type_error(example, cli, edit):
    path = example / "agreements" / f"{MOU}.yaml"
    edit(path, "duration_months: 60", "duration_months: true")
    lines = assert_clean_failure(cli(example, "agreement", "show", MOU))
    line = line_of(path.read_text(encoding="utf-8"), "duration_months")
    assert lines == [f"agreements/{MOU}.yaml: duration_months: must be a whole number (line {line})"]


def test_a_duplicate_id_in_a_yml_file_is_reported_by_every_command(example, cli):
    (example / "agreements" / f"{MOU}.yml").write_text(_mou_text(example, MOU), encoding="utf-8")
    for args in LOADING:
        run = cli(example, *args)
        assert_no_bug(run)
        assert f"agreements/{MOU}.yml" in run.stderr, args
    lines = assert_clean_failure(cli(example, "agreement", "show", MOU))
    assert lines == [
        f"agreements/{MOU}.yaml: agreements/{MOU}.yml holds the same id '{MOU}'; keep one of them"
    ]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_fifo_as_agreement_file_is_refused_not_read(example, cli):
    os.mkfifo(example / "agreements" / "pipe.yaml")
    lines = assert_clean_failure(cli(example, "check"))
    assert "agreements/pipe.yaml: is a FIFO, not a regular file" in lines
    assert_clean_failure(cli(example, "agreement", "show", "pipe"))
    assert cli(example, "monitor").exit_code == 0


def test_a_link_to_a_file_outside_is_not_read(example, cli, outside):
    secret = outside / "elsewhere.yaml"
    secret.write_text(_mou_text(example, "linked"), encoding="utf-8")
    (example / "agreements" / "linked.yaml").symlink_to(secret)
    lines = assert_clean_failure(cli(example, "agreement", "show", "linked"))
    assert lines == [
        f"agreements/linked.yaml: links to {secret}, outside the workspace; docgen reads "
        "agreement files and templates only inside it"
    ]
    # A link inside the workspace is fine.
    (example / "agreements" / "linked.yaml").unlink()
    (example / "drafts").mkdir()
    (example / "drafts" / "linked.yaml").write_text(_mou_text(example, "linked"), encoding="utf-8")
    (example / "agreements" / "linked.yaml").symlink_to(example / "drafts" / "linked.yaml")
    assert cli(example, "agreement", "show", "linked").exit_code == 0


def test_windows_device_names_are_not_ids(example, cli):
    names = ["con", "nul", "aux", "prn", "com1", "lpt1"]
    for name in names:
        lines = assert_clean_failure(cli(example, "agreement", "new", name, "--kind", "mou"))
        assert "not a valid id" in lines[0]
        (example / "agreements" / f"{name}.yaml").write_text(_mou_text(example, name), encoding="utf-8")
    run = cli(example, "agreement", "list", "--as-of", "2022-05-01", "--json")
    assert {r["id"] for r in run.json()} == {MOU, RENJA}
    lines = assert_clean_failure(cli(example, "agreement", "show", "com1"))
    assert lines[0].startswith("agreements/com1.yaml: the file name is not a valid agreement id"), lines


def test_a_huge_file_is_refused_with_a_line(example, cli):
    (example / "agreements" / "huge.yaml").write_bytes(b"id: huge\n" + b"#" * (5 << 20) + b"\n")
    lines = assert_clean_failure(cli(example, "check"))
    assert any(line.startswith("agreements/huge.yaml: cannot read: too large") for line in lines)


def test_deep_nesting_is_a_line(example, cli):
    (example / "agreements" / "deep.yaml").write_text("id: " + "[" * 20000 + "]" * 20000 + "\n")
    lines = assert_clean_failure(cli(example, "check"))
    assert any(line.startswith("agreements/deep.yaml: ") for line in lines)
