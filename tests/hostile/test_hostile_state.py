"""Structurally wrong tracker records, dates near 9999, template and format bombs."""

from __future__ import annotations

import json

import pytest

from tests.hostile.conftest import RENJA, assert_clean_failure, assert_no_bug, state_of

NUMBER = {
    "kind": "letter",
    "number": "B/001/PW24/KM.01/II/2022",
    "seq": 1,
    "year": 2022,
    "on": "2022-02-08",
    "for": "",
    "void": False,
}
# The commands that read each table.
READERS = {
    "numbers": [("number", "list"), ("number", "next", "letter"), ("letter", "followup", "--all")],
    "terminations": [("monitor",), ("agreement", "list"), ("deliverable", "list")],
    "certificates": [
        ("certificate", "verify", "0001/PHG/PW24/2022"),
        ("certificate", "issue", "results/kepatuhan-2022-kota-kupang.csv"),
    ],
    "history": [
        ("monitor",),
        ("deliverable", "history", RENJA, "W1-D1"),
        ("letter", "followup", "--all"),
        ("deliverable", "set", RENJA, "W1-D2", "--status", "done"),
    ],
}


@pytest.mark.parametrize(
    ("where", "table", "record", "problem"),
    [
        ("tracker.json", "numbers", {k: v for k, v in NUMBER.items() if k != "seq"}, "seq: missing"),
        ("tracker.json", "numbers", {**NUMBER, "on": "2022-02-30"}, "on: '2022-02-30' is not a date"),
        ("tracker.json", "numbers", {**NUMBER, "seq": "1"}, "seq: '1' is not a whole number"),
        ("tracker.json", "terminations", {"agreement": RENJA}, "on: missing"),
        ("tracker.json", "certificates", {"number": "0001/PHG/PW24/2022"}, "key: missing"),
        (
            "tracker-history/ntt-renja-2022.json",
            "history",
            {"deliverable": "W1-D1", "status": "done"},
            "on: missing",
        ),
        (
            "tracker-history/ntt-renja-2022.json",
            "history",
            {"deliverable": "W1-D1", "status": "done", "on": "2022-13-01"},
            "on: '2022-13-01' is not a date",
        ),
    ],
)
def test_wrong_records_are_not_a_valid_tracker(example, cli, where, table, record, problem):
    path = example / where
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps({table: {"1": record}}), encoding="utf-8")
    failed = 0
    for args in READERS[table]:
        before = state_of(example)
        run = cli(example, *args, *(("--as-of", "2022-05-01") if args[0] in ("monitor", "letter") else ()))
        assert_no_bug(run)
        if run.exit_code == 1 and "not a valid docgen tracker" in run.stderr:
            lines = assert_clean_failure(run)
            assert lines[0].startswith(f"{where}: {table}: record "), lines
            assert problem in lines[0], lines
            assert state_of(example) == before
            failed += 1
    assert failed == len(READERS[table])


def test_a_tracker_with_odd_keys(example, cli):
    (example / "tracker.json").write_text(json.dumps({"numbers": {"abc": NUMBER}}), encoding="utf-8")
    lines = assert_clean_failure(cli(example, "number", "list"))
    assert lines[0].startswith("tracker.json: not a docgen tracker file"), lines


def test_dates_near_9999(example, cli, edit):
    for args in (
        ("monitor", "--as-of", "9999-12-31"),
        ("agreement", "list", "--as-of", "9999-12-31"),
        ("deliverable", "list", "--as-of", "9999-12-20"),
        ("number", "next", "letter", "--on", "9999-12-31", "--dry-run"),
    ):
        run = cli(example, *args)
        assert run.exit_code == 0, (args, run.stderr)
    lines = assert_clean_failure(cli(example, "letter", "followup", "--all", "--as-of", "9999-12-31"))
    assert lines == [
        "--as-of: 9999-12-31: the reply deadline 14 days later ([letters] reply_days) "
        "would be past 9999-12-31"
    ]
    edit(example / "agreements" / f"{RENJA}.yaml", "due: 2022-12-15", "due: 9999-12-31")
    run = cli(example, "monitor", "--as-of", "9999-12-20", "--json")
    assert run.exit_code == 0, run.stderr
    run = cli(example, "monitor", "--as-of", "10000-01-01")  # the command line itself: usage
    assert run.exit_code == 2 and "Invalid value for '--as-of'" in run.stderr, run.stderr
    with open(example / "docgen.toml", "a", encoding="utf-8") as fh:
        fh.write("\n[letters]\nreply_days = 365\n")
    lines = assert_clean_failure(cli(example, "letter", "followup", "--all", "--as-of", "9999-06-01"))
    assert "365 days later" in lines[0]


BOMBS = [
    "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    "{{ 'x' * 3000000000 }}",
    "{{ 'x'|center(3000000000) }}",
    "{{ '%3000000000d' % 1 }}",
    "{% set ns = namespace(s='x') %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
    "{{ (['x' * 1000000] * 1000)|join }}",
    "{% for i in range(100000) %}{{ 'x' * 1000 }}{% endfor %}",
]


MORE_BOMBS = [
    "{{ 3000000000 * 'x' }}",
    "{{ 'x'.center(3000000000) }}",
    "{{ '{:>3000000000}'.format(1) }}",
    "{{ '{0:{1}}'.format(1, '>3000000000') }}",
    "{{ '%*d' % (3000000000, 1) }}",
    "{{ 2 ** 100000000 }}",
    "{{ ('x' * 100000)|replace('', 'y' * 100000) }}",
    "{{ range(10)|slice(3000000000)|list }}",
    "{{ [1] * 10000000 }}",
    "{{ 'x' * 4000000 + 'x' * 4000000 }}",
    "{{ lipsum(3000000000) }}",
    "{% macro m(s) %}{{ m(s ~ s) }}{% endmacro %}{{ m('x') }}",
    "{% set ns = namespace(s='x') %}{% for i in range(64) %}{% set ns.s = ns.s + ns.s %}{% endfor %}",
    "{% for c in 'x' * 4000000 %}{% endfor %}",
    "{% set ns = namespace(s='') %}{% for i in range(100) %}{% set ns.s %}{{ ns.s }}{{ ns.s }}x"
    "{% endset %}{% endfor %}",
]


@pytest.mark.parametrize("bomb", MORE_BOMBS)
def test_the_template_environment_is_bounded(bomb):
    from jinja2.exceptions import SecurityError, UndefinedError

    from docgen.render.environment import jinja_env

    with pytest.raises((SecurityError, UndefinedError)):
        jinja_env().from_string(bomb).render()


def test_ordinary_templates_still_render():
    from docgen.render.environment import jinja_env

    template = jinja_env().from_string(
        "{% for x in items if x %}{{ loop.index }}/{{ loop.length }} {{ x|upper }}{% else %}none"
        "{% endfor %}|{{ '%05.1f' % 3.14159 }}|{{ '{:>6}'.format('ab') }}|{{ 1000000000000|rupiah }}|"
        "{% set ns = namespace(n=0) %}{% for i in range(3) %}{% set ns.n = ns.n + i %}{% endfor %}{{ ns.n }}"
    )
    assert template.render(items=["a", "", "b"]) == ("1/2 A2/2 B|003.1|    ab|Rp1.000.000.000.000,00|3")


def _docx_with(text: str) -> bytes:
    import io

    from docx import Document

    document = Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("bomb", BOMBS)
def test_template_bombs_end_with_a_line(example, cli, bomb):
    (example / "templates" / "mou.docx").write_bytes(_docx_with("{{ agreement.title }} " + bomb))
    run = cli(example, "build", "ntt-mou-2021")
    lines = assert_clean_failure(run)
    assert lines[0].startswith("agreements/ntt-mou-2021.yaml: templates/mou.docx: "), lines
    assert "blocked by the sandbox: " in lines[0] and (
        "loops more than" in lines[0] or "larger than" in lines[0]
    ), lines
    assert not (example / "outputs" / "agreements" / "ntt-mou-2021.docx").exists()


def test_layout_bomb(example, cli):
    from docgen.render.certificate_layout import default_layout_path

    layout = default_layout_path().read_text(encoding="utf-8")
    (example / "templates" / "sertifikat.toml").write_text(
        layout.replace(
            'text = "{{ recipient | upper }}"', "text = \"{{ recipient | upper }}{{ 'x' * 3000000000 }}\"", 1
        ),
        encoding="utf-8",
    )
    lines = assert_clean_failure(cli(example, "check", "--as-of", "2022-05-01"))
    assert any(line.startswith("templates/sertifikat.toml: ") for line in lines), lines


@pytest.mark.parametrize(
    "fmt", ["{seq:0999999999d}", "{seq:>{year}}", "{seq:.999999999f}", "{seq}" + "x" * 300]
)
def test_number_format_widths_are_bounded(example, cli, edit, fmt):
    edit(
        example / "docgen.toml",
        'letter = "B/{seq:03d}/{unit_code}/KM.01/{month_roman}/{year}"',
        f'letter = "{fmt}"',
    )
    lines = assert_clean_failure(cli(example, "number", "next", "letter"))
    assert lines[0].startswith("docgen.toml: numbering.letter: "), lines
