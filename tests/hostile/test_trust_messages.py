"""Issue 18: no password in any message, whatever is wrong with the URL that holds it;
`deliverable retract --reason` refuses control characters as `--note` does."""

from __future__ import annotations

import pytest

from tests.hostile.conftest import assert_clean_failure, state_of

PASSWORD = "Rahasia"
URLS = [
    f"postgresql://docgen:{PASSWORD}%zz@127.0.0.1:1/docgen",  # a '%' that is no escape
    f"postgresql://docgen:{PASSWORD}%@127.0.0.1:1/docgen",
    f"postgresql://docgen:{PASSWORD} Kita@127.0.0.1:1/docgen",  # a space
    f"postgresql://docgen:{PASSWORD}@[::1/docgen",  # a malformed host
    f"postgresql://docgen:{PASSWORD}@[::1]:1/docgen",  # well formed, nobody listening
    f"postgresql://docgen:{PASSWORD}%41@127.0.0.1:1/docgen",  # an escape that decodes
    f"host=127.0.0.1 port=1 user=docgen password='{PASSWORD} x",  # an unterminated quote
    f"host=127.0.0.1 port=1 user=docgen password={PASSWORD} sslmode=nonsense",
]


def one_line_failure(run) -> None:
    assert run.exit_code == 1, (run.exit_code, run.stderr)
    assert "Traceback" not in run.stderr and "internal error" not in run.stderr, run.stderr
    assert len(run.stderr.strip().splitlines()) == 1, run.stderr


@pytest.mark.parametrize("url", URLS)
def test_a_broken_url_is_reported_without_its_password(example, cli, monkeypatch, url):
    monkeypatch.setenv("DOCGEN_TRACKER_URL", url)
    for args in (["number", "next", "letter"], ["tracker", "info"], ["monitor"]):
        run = cli(example, *args)
        one_line_failure(run)
        assert PASSWORD not in run.stderr + run.stdout, run.stderr
    monkeypatch.delenv("DOCGEN_TRACKER_URL")
    run = cli(example, "tracker", "copy", "--to", url)
    one_line_failure(run)
    assert PASSWORD not in run.stderr + run.stdout, run.stderr
    assert "--to" in run.stderr or "postgresql://docgen@" in run.stderr


@pytest.mark.parametrize("url", URLS[:4])
def test_a_password_in_docgen_toml_is_reported_without_it(example, cli, monkeypatch, url):
    monkeypatch.delenv("DOCGEN_TRACKER_URL", raising=False)
    config = example / "docgen.toml"
    config.write_text(
        config.read_text(encoding="utf-8") + f"\n[tracker]\nurl = {url!r}\n".replace("'", '"'),
        encoding="utf-8",
    )
    run = cli(example, "check")
    assert run.exit_code == 1
    assert PASSWORD not in run.stderr + run.stdout, run.stderr


@pytest.mark.parametrize("bad", ["salah\x1b[31m", "salah\x00", "salah\x07 bunyi", "salah\rkeluaran"])
def test_retract_reason_refuses_control_characters(example, cli, bad):
    ok = cli(
        example, "deliverable", "set", "ntt-renja-2022", "W1-D1", "--status", "done", "--on", "2022-03-30"
    )
    assert ok.exit_code == 0, ok.stderr
    before = state_of(example)
    run = cli(example, "deliverable", "retract", "ntt-renja-2022", "W1-D1", "1", "--reason", bad)
    lines = assert_clean_failure(run)
    assert lines[0].startswith("--reason: contains U+")
    assert state_of(example) == before
