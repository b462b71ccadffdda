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


def test_the_status_words_name_exactly_the_codes_of_domain():
    """i18n sits below domain/ in the layers, so its tables of words repeat the codes:
    each must list exactly the codes of its list, in its order (a new status has a word)."""
    from docgen.domain.deliverable_state import DELIVERABLE_LABELS, DELIVERABLE_STATUSES
    from docgen.domain.obligations import ROLE_LABELS
    from docgen.domain.status import STATUS_LABELS, STATUSES
    from docgen.i18n import AGREEMENT_STATUS_WORDS, DELIVERABLE_STATUS_WORDS, ROLE_WORDS, WORDS

    assert tuple(DELIVERABLE_STATUS_WORDS) == DELIVERABLE_STATUSES == tuple(DELIVERABLE_LABELS)
    assert tuple(AGREEMENT_STATUS_WORDS) == STATUSES == tuple(STATUS_LABELS)
    assert tuple(ROLE_WORDS) == tuple(ROLE_LABELS)
    for table in (DELIVERABLE_STATUS_WORDS, AGREEMENT_STATUS_WORDS, ROLE_WORDS):
        assert WORDS.items() >= table.items()


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


# --- issue 21's "done when", on the example workspace ----------------------------------

QUICK_START = [
    ["check"],
    ["build"],
    ["monitor", "--as-of", "2022-07-01"],
    ["letter", "followup", "--all", "--as-of", "2022-07-01"],
    [
        "certificate",
        "issue",
        "results/kepatuhan-2022-kota-kupang.csv",
        "--year",
        "2022",
        "--min-grade",
        "B",
        "--signed-on",
        "2023-02-16",
    ],
]
# Words of docgen's English interface that must not show in its Indonesian one (paths,
# names from the agreement files and identifiers aside).
ENGLISH_WORDS = re.compile(
    r"\b(warning|built|unchanged|new|existing|wrote|items?|agreements?|deliverables?|done|due|"
    r"overdue|issued|skipped|errors?|expires|title|Monitoring|responsible|other party|row|grade|"
    r"below|minimum|left|days|ends|next|soon|print|the|of|and|with|within)\b"
)


def _without_names(text: str) -> str:
    # file paths, and the data a person typed (organisation and deliverable names)
    text = re.sub(r"\S*/\S*|\S+\.(docx|pdf|yaml|toml|csv)\b", " ", text)
    return text


def test_the_quick_start_speaks_indonesian_on_an_english_system(example):
    env = {k: v for k, v in os.environ.items() if k != "DOCGEN_LANG"}
    env.update(LANG="en_US.UTF-8", LC_ALL="en_US.UTF-8", PYTHONPATH=str(REPO), COLUMNS="100")
    shown = []
    for args in QUICK_START:
        run = subprocess.run(
            [sys.executable, "-m", "docgen", *args], cwd=example, env=env, capture_output=True, text=True
        )
        assert run.returncode == 0, (args, run.stderr)
        shown.append(run.stdout + run.stderr)
    text = "\n".join(shown)
    assert "peringatan:" in text and "dibangun" in text and "Pemantauan per 1 Juli 2022" in text
    english = sorted({m.group(0) for m in ENGLISH_WORDS.finditer(_without_names(text))})
    assert english == [], text


def test_monitor_speaks_english_when_asked(example, cli):
    run = cli(example, "--lang", "en", "monitor", "--as-of", "2022-07-01")
    assert "Monitoring as of 1 Juli 2022: 2 agreements, 0/13 deliverables done" in run.stdout
    assert "Overdue, responsible:" in run.stdout and "(with the other party)" in run.stdout
    assert "Pemantauan" not in run.stdout and "terlambat" not in run.stdout


# English fragments once composed into the Indonesian output (issue 21): English words of
# messages, Python's and PyYAML's and pydantic's own, and English number forms.
ENGLISH_FRAGMENTS = re.compile(
    r"\b(revoked|valid|report|started|out of range|month must|Input should|integer|not a certificate|"
    r"second|first|found|expected|allowed|node|number|score|grade|issued|event)\b|\d\.\d%|jatuh tempo|"
    r"belum dimulai"
)


def test_no_english_fragment_in_the_indonesian_interface(example, cli):
    cli(example, "deliverable", "set", "ntt-renja-2022", "W4-D1", "--status", "done", "--on", "2022-03-25")
    env = {"COLUMNS": "80"}

    def run(*args: str) -> str:
        result = CliRunner().invoke(app, ["-w", str(example), "--lang", "id", *args], env=env)
        return result.stdout + result.stderr

    shown = [
        run("monitor", "--as-of", "2022-07-01"),
        run("agreement", "show", "ntt-renja-2022", "--as-of", "2022-07-01"),
        run("deliverable", "list", "--as-of", "2022-07-01"),
        run("deliverable", "history", "ntt-renja-2022", "W4-D1"),
        run("deliverable", "history", "ntt-renja-2022", "W1-D3"),
        run("letter", "followup", "--all", "--as-of", "2022-07-01"),
        run("letter", "reminder", "--as-of", "2022-07-20"),
        run("number", "list"),
        run(*QUICK_START[-1]),
        run("certificate", "revoke", "0004/PHG/II/2023", "--reason", "dikoreksi"),
        run("certificate", "verify", "0004/PHG/II/2023"),
        run("certificate", "verify", "B/001/PW24/KM.01/VII/2022"),
        run("certificate", "list"),
        run("monitor", "--as-of", "2022-02-30"),
        run("letter", "reminder", "--days", "1.5"),
        run("letter", "reminder", "--days", "-1"),
    ]
    renja = example / "agreements" / "ntt-renja-2022.yaml"
    text = renja.read_text(encoding="utf-8")
    renja.write_text(text.replace("due: 2022-03-31", "due: 2022-02-30", 1), encoding="utf-8")
    shown.append(run("check"))
    renja.write_text(text.replace("kind: renja", "kind: [renja"), encoding="utf-8")
    shown.append(run("check"))
    output = "\n".join(shown)
    # (what the user typed and the data stay as they are: paths, names, reasons)
    english = sorted({m.group(0) for m in ENGLISH_FRAGMENTS.finditer(_without_names(output))})
    assert english == [], output
    assert "(7,7%)" in output and "dicabut pada" in output and "belum ada laporan" in output
    assert "bukan tanggal yang sah (Februari 2022 hanya 28 hari)" in output
    assert "YAML tidak sah: tanda kurung tidak ditutup dengan ']' (baris 5)" in output
    # responsibility is the party's, never its unit's (DOMAIN.md)
    assert "penanggung jawab: Pemerintah Provinsi Nusa Tenggara Timur (6)" in output
    assert "Ombudsman Republik Indonesia Perwakilan Provinsi" in output


def test_json_is_the_same_in_both_languages(example, cli):
    for args in (["monitor", "--as-of", "2022-07-01", "--json"], ["check", "--json"]):
        english = cli(example, "--lang", "en", *args)
        indonesian = cli(example, "--lang", "id", *args)
        assert (english.exit_code, english.stdout) == (indonesian.exit_code, indonesian.stdout)


def _whole(run, values) -> list[str]:
    """The values not shown whole on one line of the output."""
    lines = (run.stdout + run.stderr).splitlines()
    return [v for v in values if not any(v in line for line in lines)]


def test_tables_show_identifiers_whole_at_80_columns(example, cli):
    cli(example, "deliverable", "set", "ntt-renja-2022", "W4-D1", "--status", "done", "--on", "2022-03-25")
    assert cli(example, "letter", "reminder", "--as-of", "2022-03-17").exit_code == 0
    assert cli(example, "letter", "followup", "--all", "--as-of", "2022-07-01").exit_code == 0
    cli(
        example,
        "number",
        "next",
        "letter",
        "--for",
        "Undangan rapat koordinasi triwulan",
        "--on",
        "2022-07-04",
    )
    assert cli(example, *QUICK_START[-1]).exit_code == 0  # certificate issue
    assert (
        cli(example, "certificate", "revoke", "0004/PHG/II/2023", "--reason", "nilai dikoreksi").exit_code
        == 0
    )
    letters = cli(example, "letter", "list", "--json").json()
    numbers = cli(example, "number", "list", "--json").json()
    certificates = cli(example, "certificate", "list", "--json").json()
    assert len(letters) == 2 and len(numbers) == 3 + 5 and len(certificates) == 5
    env = {"COLUMNS": "80"}
    for lang in ("id", "en"):
        listed = CliRunner().invoke(app, ["-w", str(example), "--lang", lang, "letter", "list"], env=env)
        assert not _whole(listed, [x for r in letters for x in (r["number"], r["on"], r["agreement"])])
        assert max(len(line) for line in listed.stdout.splitlines()) <= 80
        registry = CliRunner().invoke(app, ["-w", str(example), "--lang", lang, "number", "list"], env=env)
        assert not _whole(registry, [x for r in numbers for x in (r["number"], r["on"])])
        monitor = CliRunner().invoke(
            app, ["-w", str(example), "--lang", lang, "monitor", "--as-of", "2022-07-01"], env=env
        )
        report = cli(example, "monitor", "--as-of", "2022-07-01", "--json").json()
        ids = [r["id"] for r in report["agreements"]] + [r["ends_on"] for r in report["agreements"]]
        ids += [r["due"] for r in report["overdue"]]
        assert not _whole(monitor, ids)
        checklist = CliRunner().invoke(
            app, ["-w", str(example), "--lang", lang, "deliverable", "list", "--as-of", "2022-07-01"], env=env
        )
        rows = cli(example, "deliverable", "list", "--as-of", "2022-07-01", "--json").json()
        assert not _whole(checklist, [x for r in rows for x in (r["agreement"], r["id"], r["due"])])
        assert max(len(line) for line in checklist.stdout.splitlines()) <= 80
        listed = CliRunner().invoke(app, ["-w", str(example), "--lang", lang, "certificate", "list"], env=env)
        dates = [r["revoked_on"] for r in certificates if r["revoked_on"]]
        assert dates and not _whole(
            listed, [x for r in certificates for x in (r["number"], r["issued_on"])] + dates
        )
        assert max(len(line) for line in listed.stdout.splitlines()) <= 80
        assert "outputs/certificates/2022" in listed.stderr  # where the files are, when they are left out


def test_letter_files_name_the_addressee_in_indonesian_and_old_names_still_render(example, cli):
    (row,) = cli(example, "letter", "followup", "--all", "--as-of", "2022-07-01", "--json").json()
    assert row["file"] == "outputs/letters/2022/001-ntt-renja-2022-pihak-kedua.docx"
    assert (example / row["file"]).is_file()
    # a letter issued by an earlier docgen, under the name it had then
    tracker = example / "tracker.json"
    tracker.write_text(
        tracker.read_text(encoding="utf-8").replace("-pihak-kedua.docx", "-second.docx"), encoding="utf-8"
    )
    run = cli(example, "letter", "render", row["number"])
    assert run.exit_code == 0, run.stderr
    assert (example / "outputs/letters/2022/001-ntt-renja-2022-second.docx").is_file()
    assert cli(example, "letter", "show", row["number"], "--json").json()["file"].endswith("-second.docx")


# --- validation messages ----------------------------------------------------------------

RENJA = REPO / "agreements" / "ntt-renja-2022.yaml"


def _check(example, lang: str) -> str:
    run = CliRunner().invoke(app, ["-w", str(example), "--lang", lang, "check"])
    assert run.exit_code == 1, run.stdout + run.stderr
    return run.stderr


@pytest.mark.parametrize(
    ("change", "indonesian", "english"),
    [
        (
            ("  - role: second", "  - role: kedua"),
            "pihak ke-2, role: harus salah satu dari 'first', 'second' (bukan 'kedua') (baris 19)",
            "parties #2, role: must be one of 'first', 'second' (not 'kedua') (line 19)",
        ),
        (
            ("due: 2022-03-31, evidence: notulen rapat}", "due: 2022-13-31, evidence: notulen rapat}"),
            "work_items ke-1, deliverables ke-1, due: '2022-13-31' bukan tanggal yang sah",
            "work_items #1, deliverables #1, due: '2022-13-31' is not a valid date",
        ),
        (
            ("kind: renja", "kind: renja\nwarna: biru"),
            "warna: isian tidak dikenal (periksa ejaannya)",
            "warna: unknown field (check its spelling)",
        ),
        (
            ("  - role: second", "  - role: [second]"),
            "pihak ke-2, role: harus salah satu dari",
            "parties #2, role: must be one of",
        ),
        (
            ("title: Rapat koordinasi triwulan I,", "title: [Rapat, koordinasi],"),
            "work_items ke-1, deliverables ke-1, title: harus berupa teks",
            "work_items #1, deliverables #1, title: must be text",
        ),
        (
            ("  - role: second\n", "  -\n"),
            "pihak ke-2, role: isian wajib belum ada",
            "parties #2, role: required field is missing",
        ),
    ],
    ids=["choice", "date", "unknown", "type-list", "type-text", "missing"],
)
def test_validation_messages_count_from_one_in_both_languages(example, change, indonesian, english):
    path = example / "agreements" / "ntt-renja-2022.yaml"
    text = path.read_text(encoding="utf-8")
    assert change[0] in text
    path.write_text(text.replace(change[0], change[1], 1), encoding="utf-8")
    shown = _check(example, "id")
    assert f"agreements/ntt-renja-2022.yaml: {indonesian}" in shown, shown
    assert re.search(r"\(baris \d+\)", shown), shown
    assert "peringatan:" in shown or "kesalahan" in shown or shown
    shown = _check(example, "en")
    assert f"agreements/ntt-renja-2022.yaml: {english}" in shown, shown
