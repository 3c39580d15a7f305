"""Hypothesis draws the same examples on every run (the suite that passed is the suite that
runs in CI); `python -m pytest --hypothesis-profile=explore` searches afresh each time."""

from html.parser import HTMLParser

import pytest
from hypothesis import settings

settings.register_profile("default", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile("default")


class _Cells(HTMLParser):
    """The text of every table cell, and whether every opened tag was closed."""

    def __init__(self):
        super().__init__()
        self.cells, self.open, self._in = [], [], False

    def handle_starttag(self, tag, attrs):
        self.open.append(tag)
        self._in = tag in ("td", "th")
        if self._in:
            self.cells.append("")

    def handle_endtag(self, tag):
        assert self.open.pop() == tag
        self._in = False

    def handle_data(self, data):
        if self._in:
            self.cells[-1] += data


def _cells(markup):
    parser = _Cells()
    parser.feed(markup)
    parser.close()
    assert parser.open == []
    return parser.cells


@pytest.fixture
def html_cells():
    """cells(markup): the text of every table cell of an HTML fragment (the markup must
    close every tag it opens), for the tests of what notebooks show."""
    return _cells
