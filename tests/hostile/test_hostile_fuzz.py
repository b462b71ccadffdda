"""Fuzzing agreement files, docgen.toml and result sheets (hypothesis): whatever the input,
exit 0 or 1, never a traceback or an internal error, every error line names its file, and a
failed command leaves the tracker and the outputs byte for byte as they were."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from docgen.cli import app
from tests.conftest import REPO
from tests.hostile.conftest import SUMMARY, state_of

# A few examples, the same every run, in CI; DOCGEN_FUZZ_EXAMPLES=2000 for a long random hunt.
EXAMPLES = int(os.environ.get("DOCGEN_FUZZ_EXAMPLES", "0"))
FUZZ = settings(
    max_examples=EXAMPLES or 15,
    deadline=None,
    derandomize=not EXAMPLES,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
MOU_TEXT = (REPO / "agreements" / "ntt-mou-2021.yaml").read_text(encoding="utf-8")
CONFIG_TEXT = (REPO / "docgen.toml").read_text(encoding="utf-8")


@contextmanager
def workspace(name: str, text: str) -> Iterator[Path]:
    """A copy of the example workspace whose file `name` holds `text`."""
    with tempfile.TemporaryDirectory(prefix="docgen-fuzz-") as tmp:
        root = Path(tmp) / "ws"
        root.mkdir()
        shutil.copy(REPO / "docgen.toml", root / "docgen.toml")
        for sub in ("agreements", "templates"):
            shutil.copytree(REPO / sub, root / sub)
        for sub in ("results", "outputs"):
            (root / sub).mkdir()
        (root / name).write_text(text, encoding="utf-8", errors="surrogatepass")
        yield root


def run(root: Path, *args: str):
    result = CliRunner().invoke(app, ["--workspace", str(root), *args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def check_run(root: Path, args: tuple[str, ...], names: tuple[str, ...], *, failed_changes: bool = False):
    """Run once; the outcome must be a clean success or a clean, named failure."""
    before = state_of(root)
    code, out, err = run(root, *args)
    assert code in (0, 1, 2), (args, code, err)
    assert "Traceback" not in err and "internal error" not in err, err
    if code == 2:  # the command line itself is wrong (a malformed date): usage, nothing done
        assert "Invalid value" in err and state_of(root) == before, (args, err)
        return code, out, err
    for line in err.splitlines():
        if line.startswith("warning: ") or SUMMARY.match(line) or code == 0:
            continue
        assert line.startswith(names), (args, line)
        assert len(line) <= 400
    if code == 1 and not failed_changes:
        assert state_of(root) == before, args
    return code, out, err


# --- agreement files -------------------------------------------------------------------

SCALARS = st.one_of(
    st.text(max_size=40),
    st.integers(),
    st.booleans(),
    st.none(),
    st.floats(allow_nan=True),
    st.sampled_from(
        [
            "9999-12-31",
            "0001-01-01",
            "2022-02-30",
            "2022-13-01",
            "TODO",
            "*a",
            "&a x",
            "{{ x }}",
            "{_{ x }_}",
            "[/bold]",
            "\x0b",
            "\ufffe",
            "=1+1",
            "con",
            "../../x",
        ]
    ),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
FIELDS = [
    "id",
    "kind",
    "title",
    "parent",
    "place",
    "signed_on",
    "duration_months",
    "ends_on",
    "numbers",
    "parties",
    "legal_basis",
    "purpose",
    "scope",
    "work_items",
    "template",
    "extra",
]


@st.composite
def agreement_texts(draw) -> str:
    """The example MoU with some fields replaced by arbitrary values, or arbitrary text."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.text(max_size=200))
    import yaml

    data = yaml.safe_load(MOU_TEXT.replace("signed_on: 2021-12-20", "signed_on: '2021-12-20'"))
    data["id"] = "fuzz"
    for field in draw(st.lists(st.sampled_from(FIELDS), min_size=1, max_size=3, unique=True)):
        data[field] = draw(VALUES)
    return yaml.safe_dump(data, allow_unicode=draw(st.booleans()))


@FUZZ
@given(text=agreement_texts())
def test_fuzz_agreement_files(text):
    with workspace("agreements/fuzz.yaml", text) as root:
        names = ("agreements/fuzz.yaml: ", "fuzz: ")
        code, _, _ = check_run(root, ("agreement", "show", "fuzz", "--as-of", "2022-05-01"), names)
        check_run(root, ("agreement", "list", "--as-of", "2022-05-01", "--json"), names)
        if code == 0:
            check_run(root, ("build", "fuzz"), names + ("templates/",))
            check_run(root, ("monitor", "--as-of", "2022-05-01", "--xlsx", str(root / "m.xlsx")), names)


PRINTABLE = st.characters(blacklist_categories=("Cc", "Cs", "Co", "Cn"))
CLEAN = st.text(PRINTABLE, min_size=1, max_size=60).filter(str.strip)
TEXT = st.one_of(
    CLEAN,
    CLEAN,
    CLEAN,
    st.sampled_from(
        [  # legal, but hostile to some output
            "[/bold] rapat",
            "{{ x }}",
            "{_{ x }_}",
            '=HYPERLINK("x")',
            "\u202eRTL",
            "e\u0301",
            "x" * 3000,
            "<w:t>&amp;</w:t>",
            "%s %d {0}",
            "a\nb\tc",
            "ﷺ",
            "𝕏",
        ]
    ),
)
DATES = st.dates().map(str) | st.sampled_from(["9999-12-31", "0001-01-01", "2022-02-29"])


@st.composite
def work_plans(draw) -> str:
    """A work plan shaped as docgen expects, with arbitrary text and dates in it."""
    import yaml

    party = {
        "org": draw(TEXT),
        "kind": "pemda",
        "signatory": {"name": draw(TEXT), "title": draw(TEXT)},
        "superior": draw(TEXT),
    }
    signed_on, ends_on = sorted([draw(DATES), draw(DATES)])
    data = {
        "id": "fuzz",
        "kind": "renja",
        "title": draw(TEXT),
        "parent": "ntt-mou-2021",
        "signed_on": signed_on,
        "ends_on": ends_on,
        "place": draw(TEXT),
        "parties": [
            {
                "role": "first",
                "org": "Ombudsman",
                "kind": "ombudsman",
                "signatory": {"name": "A", "title": "B"},
            },
            {"role": "second", **party},
        ],
        "legal_basis": draw(st.lists(TEXT, max_size=2)),
        "purpose": draw(TEXT),
        "work_items": [
            {
                "id": f"W{i}",
                "title": draw(TEXT),
                "responsible": draw(st.sampled_from(["first", "second", "both"])),
                "deliverables": [
                    {"id": f"W{i}-D{j}", "title": draw(TEXT), "due": draw(DATES), "evidence": draw(TEXT)}
                    for j in range(draw(st.integers(0, 2)))
                ],
            }
            for i in range(1, draw(st.integers(2, 4)))
        ],
    }
    return yaml.safe_dump(data, allow_unicode=True)


@FUZZ
@given(text=work_plans(), as_of=DATES)
def test_fuzz_work_plans(text, as_of):
    with workspace("agreements/fuzz.yaml", text) as root:
        names = ("agreements/fuzz.yaml: ", "fuzz: ", "--as-of: ", "--pdf ", "--xlsx ")
        code, _, _ = check_run(root, ("agreement", "show", "fuzz", "--as-of", as_of), names)
        event("valid" if code == 0 else "invalid")
        if code == 0:
            check_run(root, ("build", "fuzz"), names)
            check_run(
                root,
                ("monitor", "--as-of", as_of, "--xlsx", str(root / "m.xlsx"), "--pdf", str(root / "m.pdf")),
                names,
            )
            check_run(root, ("letter", "followup", "fuzz", "--as-of", as_of), names)


# --- docgen.toml -----------------------------------------------------------------------

TOML_VALUES = st.one_of(
    st.text(max_size=30).map(json.dumps),  # a TOML basic string (JSON escapes are TOML escapes)
    st.integers(-(10**20), 10**20).map(str),
    st.sampled_from(["true", "[]", "{}", "1.5", "nan", "[[1]]"]),
    st.sampled_from(
        [
            '"{seq:0999999999d}"',
            '"{seq:>{year}}"',
            '"{seq}{seq}"',
            '"{nope}"',
            '"{seq"',
            '"B/{seq:03d}/\\u000b"',
            '"{seq!r:^40}"',
        ]
    ),
)
KEYS = [
    "office.name",
    "office.unit_code",
    "office.city",
    "office.head.name",
    "letters.reply_days",
    "letters.sifat",
    "numbering.letter",
    "numbering.certificate",
    "numbering.reset",
    "certificates.verify_url",
    "certificates.event",
    "grading.2022",
    "nonsense.key",
]
# Not [tracker] url: a PostgreSQL URL needs a server.


@st.composite
def config_texts(draw) -> str:
    if draw(st.integers(0, 9)) == 0:
        return draw(st.text(max_size=200))
    tables: dict[str, list[str]] = {}
    for key in draw(st.lists(st.sampled_from(KEYS), min_size=1, max_size=3, unique=True)):
        table, _, name = key.rpartition(".")
        tables.setdefault(table, []).append(f"{name} = {draw(TOML_VALUES)}")
    text = CONFIG_TEXT
    for table, lines in tables.items():
        header = f"[{table}]\n"
        addition = "".join(line + "\n" for line in lines)
        text = text.replace(header, header + addition) if header in text else text + "\n" + header + addition
    return text


@FUZZ
@given(text=config_texts())
def test_fuzz_config(text):
    with workspace("docgen.toml", text) as root:
        names = ("docgen.toml: ", "--")
        check_run(root, ("number", "next", "letter", "--dry-run", "--on", "2022-05-01"), names)
        check_run(root, ("agreement", "list", "--as-of", "2022-05-01"), names)
        check_run(root, ("letter", "followup", "--all", "--as-of", "2022-05-01"), names)


# --- result sheets ---------------------------------------------------------------------

CELLS = st.one_of(
    st.text(max_size=20),
    st.sampled_from(
        [
            "90,54",
            "90.54",
            "100",
            "-1",
            "1e3",
            "nan",
            "inf",
            "",
            " ",
            '=HYPERLINK("x")',
            "[/b] Dinas",
            "Dinas\x1b[2J",
            "con",
            "A",
            "hijau",
            "Dinas A",
            "dinas  a",
        ]
    ),
    st.floats(allow_nan=True).map(str),
    st.integers(-10, 200).map(str),
)
HEADERS = st.sampled_from(
    [
        ["instansi", "nilai"],
        ["instansi", "unit", "nilai", "predikat"],
        ["Instansi ", "NILAI"],
        ["nilai"],
        ["instansi", "nilai", "instansi"],
        [],
    ]
)


@st.composite
def sheets(draw) -> str:
    if draw(st.integers(0, 9)) == 0:
        return draw(st.text(max_size=200))
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    header = draw(HEADERS)
    rows = draw(st.lists(st.lists(CELLS, max_size=5), max_size=4))
    lines = [header, *rows]

    def cell(value: str) -> str:
        if any(c in value for c in f'{delimiter}"\n\r') and draw(st.booleans()):
            return '"' + value.replace('"', '""') + '"'
        return value

    return "\n".join(delimiter.join(cell(c) for c in line) for line in lines) + "\n"


@FUZZ
@given(text=sheets())
def test_fuzz_result_sheets(text):
    with workspace("results/fuzz-2022.csv", text) as root:
        names = ("results/fuzz-2022.csv: ", "--")
        code, out, _ = check_run(
            root,
            ("certificate", "issue", "results/fuzz-2022.csv", "--json", "--signed-on", "2023-01-05"),
            names,
            failed_changes=True,
        )
        if out.strip():
            report = json.loads(out)
            if code == 1 and not report["issued"]:
                assert not list((root / "outputs").rglob("*.pdf"))
