"""Every ```python block in docs/*.md and README.md runs; printed output matches the page.

Blocks of one file share a namespace and run in order, as a reader would run them.
A ```text block right after a ```python block is that block's printed output: the
test compares it with what the code prints, so the docs cannot drift from the code.
A sketch that is not meant to run (a signature in a contract) says so in its fence
(python, then no-run).

After a deliberate change of output, rewrite the text blocks of a page and review
the diff:  python tests/interfaces/test_docs.py docs/reliability.md
"""

import contextlib
import io
import os
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted((ROOT / "docs").glob("*.md")) + [ROOT / "README.md"]
FENCE = re.compile(r"^```(\w*)([^\n]*)\n(.*?)^```[ \t]*$", re.M | re.S)


def blocks(text):
    """(code, line number, expected output or None, span of that output) per python block."""
    found = list(FENCE.finditer(text))
    out = []
    for i, m in enumerate(found):
        if m.group(1) != "python" or "no-run" in m.group(2):
            continue
        expected, span = None, None
        following = found[i + 1] if i + 1 < len(found) else None
        if following is not None and following.group(1) == "text" \
                and not text[m.end():following.start()].strip():
            expected, span = following.group(3), following.span(3)
        out.append((m.group(3), text.count("\n", 0, m.start()) + 1, expected, span))
    return out


def run_page(page):
    """Run a page's blocks in one namespace; yield (line, expected, printed, span) per block."""
    namespace = {"__name__": f"docs_{page.stem}"}
    for code, line, expected, span in blocks(page.read_text()):
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            try:
                exec(compile(code, f"{page.name}:{line}", "exec"), namespace)
            except Exception as err:
                raise AssertionError(f"{page.name}, block at line {line} raised {err!r} "
                                     "(a sketch not meant to run: fence it as python no-run)") from err
        yield line, expected, buffer.getvalue(), span


def normalize(s):
    return "\n".join(line.rstrip() for line in s.strip("\n").splitlines())


def test_block_parser_pairs_code_with_the_output_that_follows_it():
    page = ("a\n```python\nprint(1)\n```\n\n```text\n1\n```\n```python\nx = 2\n```\n"
            "prose\n```text\nnot output\n```\n```python no-run\nclass A(Undefined): ...\n```\n")
    assert [b[:3] for b in blocks(page)] == [("print(1)\n", 2, "1\n"), ("x = 2\n", 9, None)]


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_every_python_block_of_the_page_runs_and_prints_what_the_page_shows(page, tmp_path, monkeypatch):
    if "plot_" in page.read_text():  # pages that draw need the optional extra
        pytest.importorskip("matplotlib").use("Agg")
    monkeypatch.chdir(tmp_path)  # blocks that write files write them here
    for line, expected, printed, _ in run_page(page):
        if expected is not None:
            assert normalize(printed) == normalize(expected), (
                f"{page.name}, block at line {line}: printed output differs from the page:\n"
                f"--- printed\n{printed}--- page\n{expected}")


def test_the_readme_links_every_docs_page():
    readme = (ROOT / "README.md").read_text()
    missing = [p.name for p in PAGES[:-1] if f"(docs/{p.name})" not in readme]
    assert not missing, f"README.md does not link {missing}"


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_every_picture_a_page_shows_is_committed(page):
    shown = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", page.read_text())
    missing = [s for s in shown if not (page.parent / s).is_file()]
    assert not missing, f"{page.name} shows {missing}, not drawn (python docs/pictures.py)"


def update(page):
    """Rewrite each output block of `page` with what its python block prints now."""
    import tempfile
    text = page.read_text()
    here = os.getcwd()
    os.chdir(tempfile.mkdtemp())
    try:
        results = list(run_page(page))
    finally:
        os.chdir(here)
    for _, expected, printed, span in reversed(results):
        if span is not None:
            text = text[:span[0]] + normalize(printed) + "\n" + text[span[1]:]
    page.write_text(text)


if __name__ == "__main__":
    import matplotlib
    matplotlib.use("Agg")
    sys.path.insert(0, str(ROOT))
    for name in sys.argv[1:]:
        update(Path(name).resolve())
