"""HTML for notebooks: a titled block of facts and a table, every text escaped.

Fits, summaries, comparison tables and tests show themselves in Jupyter through
`_repr_html_`; each builds its block here so that they look alike.
"""

import html
import math
import numbers

import numpy as np


def cell(value):
    """A value as escaped text: numbers to 6 significant digits, NaN as blank."""
    if isinstance(value, (bool, np.bool_)) or value is None:
        return "" if value is None else ("yes" if value else "NO")
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        return "" if math.isnan(value) else f"{float(value):.6g}"
    return html.escape(str(value))


def table_html(title, facts=(), frame=None, notes=()):
    """A <div> with `title`, the (label, value) `facts` as a two-column table, the DataFrame
    `frame` (index shown) and the `notes`, one paragraph each."""
    parts = [f'<div class="femtograd"><p><strong>{html.escape(title)}</strong></p>']
    if facts:
        rows = "".join(f"<tr><th style=\"text-align:left\">{html.escape(label)}</th>"
                       f"<td>{cell(value)}</td></tr>" for label, value in facts)
        parts.append(f"<table>{rows}</table>")
    if frame is not None:
        parts.append(frame_html(frame))
    parts += [f"<p>{html.escape(note)}</p>" for note in notes]
    parts.append("</div>")
    return "".join(parts)


def frame_html(frame):
    """A DataFrame as an HTML table: header row, then one row per index entry (a MultiIndex
    as one header cell per level)."""
    levels = frame.index.nlevels
    head = [html.escape(str(n or "")) for n in frame.index.names] + \
        [html.escape(str(c)) for c in frame.columns]
    rows = ["<tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr>"]
    for key, values in zip(frame.index, frame.itertuples(index=False)):
        keys = key if levels > 1 else (key,)
        rows.append("<tr>" + "".join(f"<th>{html.escape(str(k))}</th>" for k in keys)
                    + "".join(f"<td>{cell(v)}</td>" for v in values) + "</tr>")
    return "<table>" + "".join(rows) + "</table>"
