"""The interface language (issue 21): Indonesian by default, English on request, never the
system locale; the catalogue complete; Typer's own labels translated; help free of escapes."""

from __future__ import annotations

import gettext
import os
import re
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from docgen.cli import app
from docgen.i18n import catalogue, choose_language, compile_catalogue
from tests.conftest import CONFIG, REPO
from tests.test_docs import COMMANDS

sys.path.insert(0, str(REPO / "scripts"))
import catalogue as catalogue_script  # noqa: E402

# Typer's and click's labels as they read in English: none may show under Indonesian.
ENGLISH_LABELS = [
    "Usage:",
    "Options:",
    "Arguments:",
    "Commands:",
    "Show this message and exit.",
    "[default:",
    "[required]",
    "required]",
    "Error:",
    "No such option",
    "No such command",
    "Missing argument",
    "Missing option",
    "Invalid value",
    "for help.",
    "Aborted",
    "[OPTIONS]",
    "COMMAND",
    "[ARGS]",
    "Got unexpected",
]


def invoke(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), env=env)
    return result.exit_code, result.stdout + result.stderr


def test_the_catalogue_is_complete():
    """Every msgid extracted from the code (and the web pages) has an Indonesian
    translation, neither fuzzy nor empty: run `python scripts/catalogue.py` and translate."""
    template = catalogue_script.extract()
    assert len(template) > 40
    missing = catalogue_script.problems(template, catalogue_script.read("id"))
    assert missing == [], "run python scripts/catalogue.py and translate the new msgids in docgen/locale/id"


def test_a_missing_msgid_is_reported():
    from babel.messages.catalog import Catalog

    template = Catalog()
    template.add("A message nobody translated")
    assert catalogue_script.problems(template, catalogue_script.read("id")) == [
        "missing: 'A message nobody translated'"
    ]


def test_the_catalogue_compiles_and_translates(tmp_path):
    data = compile_catalogue(catalogue("id"), tmp_path / "docgen.mo")
    assert data and (tmp_path / "docgen.mo").read_bytes() == data
    with open(tmp_path / "docgen.mo", "rb") as fh:
        assert gettext.GNUTranslations(fh).gettext("Options") == "Opsi"


def test_the_language_is_chosen_by_option_then_environment_then_workspace(tmp_path):
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "docgen.toml").write_text(
        CONFIG.replace("[office]\n", '[office]\nlanguage = "en"\n'), encoding="utf-8"
    )
    inner = ws / "agreements"
    inner.mkdir()
    assert choose_language([], {}, inner) == "en"
    assert choose_language(["-w", str(ws)], {}, tmp_path) == "en"
    assert choose_language([], {"DOCGEN_WORKSPACE": str(ws)}, tmp_path) == "en"
    assert choose_language([], {}, tmp_path) == "id"
    assert choose_language([], {"DOCGEN_LANG": "id"}, inner) == "id"
    assert choose_language(["--lang", "id"], {"DOCGEN_LANG": "en"}, inner) == "id"
    assert choose_language(["--lang=en", "monitor"], {"DOCGEN_LANG": "id"}, tmp_path) == "en"
    assert choose_language(["--", "--lang", "en"], {}, tmp_path) == "id"
    # LANG / LC_ALL (the system locale) never decide
    assert choose_language([], {"LANG": "en_US.UTF-8", "LC_ALL": "en_US.UTF-8"}, tmp_path) == "id"


def test_the_system_locale_does_not_decide(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DOCGEN_LANG"}
    env.update(LANG="en_US.UTF-8", LC_ALL="en_US.UTF-8", LANGUAGE="en", PYTHONPATH=str(REPO))
    run = subprocess.run(
        [sys.executable, "-m", "docgen", "letter", "show"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 2
    assert "Penggunaan:" in run.stderr and "belum diberikan" in run.stderr, run.stderr
    english = subprocess.run(
        [sys.executable, "-m", "docgen", "--lang", "en", "letter", "show"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert "Usage:" in english.stderr and "Missing argument 'NUMBER'." in english.stderr


def test_an_unknown_language_is_a_usage_error():
    code, text = invoke("--lang", "fr", "monitor")
    assert code == 2 and "--lang" in text


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["init", "--help"],
        ["letter", "--help"],
        ["letter", "show"],
        ["letter", "list", "--bogus"],
        ["letter", "list", "--year"],
        ["letter", "bogus"],
        ["letter"],
        ["check", "--as-of", "kemarin"],
        ["agreement", "new", "x", "--kind", "bogus"],
        ["build", "--help"],
        ["init", "a", "b"],
    ],
    ids=lambda a: " ".join(a),
)
def test_typers_labels_are_indonesian(args):
    _code, text = invoke("--lang", "id", *args)
    shown = [label for label in ENGLISH_LABELS if label in text]
    assert not shown, text
    _code, english = invoke("--lang", "en", *args)
    assert any(label in english for label in ("Usage:", "Error:")), english


def test_aborted_is_indonesian(capsys):
    from docgen.cli.labels import show_abort
    from docgen.i18n import set_language

    set_language("id")
    show_abort()
    assert capsys.readouterr().err == "Dibatalkan!\n"


ESCAPES = re.compile(r"\\|\[/|\[bold|<str>|<path>|<list\[|<int>|\bTEXT\b|\bBOOLEAN\b|…")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_no_help_shows_escapes_or_python_types(lang):
    bad = {}
    for name, _command in [("docgen", None), *COMMANDS]:
        code, text = invoke("--lang", lang, *name.split()[1:], "--help", env={"COLUMNS": "80"})
        assert code == 0, (name, text)
        found = ESCAPES.findall(text)
        if lang == "en":
            found = [f for f in found if f != "TEXT"]
        if found:
            bad[name] = found
    assert not bad


def test_help_metavars_read_as_words():
    _code, text = invoke("--lang", "id", "monitor", "--help")
    assert "--as-of TANGGAL" in text and "--pdf BERKAS" in text
    _code, text = invoke("--lang", "en", "monitor", "--help")
    assert "--as-of DATE" in text and "--pdf FILE" in text


def test_the_command_list_is_not_cut():
    for lang in ("id", "en"):
        _code, text = invoke("--lang", lang, "--help", env={"COLUMNS": "80"})
        assert "..." not in text.split("\n\n", 3)[-1] and "…" not in text, text
