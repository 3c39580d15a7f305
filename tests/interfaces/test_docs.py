"""Every ```python block in docs/*.md and README.md runs; printed output matches the page.

Blocks of one file share a namespace and run in order, as a reader would run them.
A ```text block right after a ```python block is that block's printed output: the
test compares it with what the code prints, so the docs cannot drift from the code.
A sketch that is not meant to run (a signature in a contract) says so in its fence:
```python no-run.
"""

import contextlib
import io
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted((ROOT / "docs").glob("*.md")) + [ROOT / "README.md"]
FENCE = re.compile(r"^```(\w*)([^\n]*)\n(.*?)^```[ \t]*$", re.M | re.S)


def blocks(text):
    """(language, code, line number, expected output or None) for each python block."""
    found = [(m.group(1), m.group(3), text.count("\n", 0, m.start()) + 1, m.end(), m.group(2))
             for m in FENCE.finditer(text)]
    out = []
    for i, (lang, code, line, end, info) in enumerate(found):
        if lang != "python" or "no-run" in info:
            continue
        expected = None
        if i + 1 < len(found) and found[i + 1][0] == "text":
            between = text[end:text.index("```text", end)]
            if not between.strip():
                expected = found[i + 1][1]
        out.append((code, line, expected))
    return out


def normalize(s):
    return "\n".join(line.rstrip() for line in s.strip("\n").splitlines())


def test_block_parser_pairs_code_with_the_output_that_follows_it():
    page = ("a\n```python\nprint(1)\n```\n\n```text\n1\n```\n```python\nx = 2\n```\n"
            "prose\n```text\nnot output\n```\n```python no-run\nclass A(Undefined): ...\n```\n")
    assert blocks(page) == [("print(1)\n", 2, "1\n"), ("x = 2\n", 9, None)]


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_every_python_block_of_the_page_runs_and_prints_what_the_page_shows(page, tmp_path, monkeypatch):
    text = page.read_text()
    if "plot_" in text:  # pages that draw need the optional extra
        pytest.importorskip("matplotlib").use("Agg")
    monkeypatch.chdir(tmp_path)  # blocks that write files write them here
    namespace = {"__name__": f"docs_{page.stem}"}
    for code, line, expected in blocks(text):
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            try:
                exec(compile(code, f"{page.name}:{line}", "exec"), namespace)
            except Exception as err:
                raise AssertionError(f"{page.name}, block at line {line} raised {err!r} "
                                     "(a sketch not meant to run: fence it as ```python no-run)") from err
        if expected is not None:
            assert normalize(buffer.getvalue()) == normalize(expected), (
                f"{page.name}, block at line {line}: printed output differs from the page:\n"
                f"--- printed\n{buffer.getvalue()}--- page\n{expected}")
