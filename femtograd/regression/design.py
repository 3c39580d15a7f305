"""Design matrices, one per distribution parameter: from a formula (through formulaic, an
optional extra) or from an array or DataFrame given directly.

A `Design` keeps its column names, which columns make up each term (a factor's dummy
columns together) and how to build the same columns for new data.
"""


import numpy as np
import pandas as pd

FORMULA_EXTRA = "pip install femtograd[formula]"


def _formulaic():
    try:
        import formulaic
    except ImportError:
        raise ImportError("formulas need the optional package formulaic: "
                          f"{FORMULA_EXTRA} (or pass design matrices with design=)") from None
    return formulaic


def split_formula(formula):
    """(left-hand side or None, right-hand side) of "y ~ x1 + x2" or "~ x1"."""
    if not isinstance(formula, str):
        raise TypeError(f"a formula must be a string like 'y ~ x'; got {type(formula).__name__}")
    if formula.count("~") != 1:
        raise ValueError(f"a formula needs exactly one '~'; got {formula!r}")
    lhs, rhs = (s.strip() for s in formula.split("~"))
    if not rhs:
        raise ValueError(f"formula {formula!r} has no right-hand side (use '~ 1' for a constant)")
    return lhs or None, rhs


def required_variables(rhs):
    """The data columns a right-hand side uses."""
    return sorted(str(v) for v in _formulaic().Formula(rhs).required_variables)


class Design:
    """A design matrix X (n, p) with `columns`, `terms` {term: [column indices]} and, for a
    formula, the spec that builds the same columns from new data."""

    def __init__(self, matrix, columns, terms, spec=None):
        self.matrix = matrix
        self.columns = tuple(columns)
        self.terms = terms
        self.spec = spec

    @property
    def p(self):
        return len(self.columns)

    def described(self):
        """The same design without its matrix: columns, terms and spec (what a fit keeps)."""
        return Design(None, self.columns, self.terms, self.spec)

    def new(self, newdata, n):
        """The same columns for `newdata` (n rows): a DataFrame for a formula design, an array
        or DataFrame of the same columns for an array design."""
        if self.spec is None:
            if self.columns == ("Intercept",) and newdata is None:
                return np.ones((n, 1))
            return as_matrix(newdata, n, "new design", self.columns)[0]
        if not isinstance(newdata, pd.DataFrame):
            raise TypeError("new data for a formula fit must be a DataFrame")
        missing = sorted(set(map(str, self.spec.required_variables)) - set(newdata.columns))
        if missing:
            raise ValueError(f"new data lack the column(s) {missing} the formula uses")
        self._check_levels(newdata)
        return np.asarray(self.spec.get_model_matrix(newdata), dtype=float)

    def _check_levels(self, newdata):
        """A ValueError when a factor of `newdata` has a level the fit has not seen. formulaic
        would only warn and encode such a row as the reference level; the levels are compared
        here instead of catching that warning, which a warnings filter set elsewhere (another
        thread: a Dask worker fitting beside this one) can silence."""
        known = {e: st["categories"] for e, (_, st) in self.spec.encoder_state.items()
                 if isinstance(st, dict) and st.get("categories") is not None}
        if not known:
            return
        present = _formulaic().model_matrix(self.spec.formula, newdata,
                                            na_action="raise").model_spec.encoder_state
        for expr, levels in known.items():
            extra = set(present[expr][1].get("categories", ())) - set(levels)
            if extra:
                raise ValueError(f"new data: factor {expr} has level(s) "
                                 f"{sorted(map(str, extra))} not seen in the fitted data (an "
                                 "unseen factor level has no coefficient)")


def formula_design(rhs, data):
    """The Design of a right-hand side (e.g. "fin + age + C(race)") over DataFrame `data`."""
    formulaic = _formulaic()
    from formulaic.errors import FactorEvaluationError
    try:
        mm = formulaic.model_matrix("~ " + rhs, data, na_action="raise")
    except FactorEvaluationError as err:  # a term names no column of the data, or fails
        raise ValueError(f"cannot evaluate the formula '~ {rhs}' over the data: {err}") from None
    spec = mm.model_spec
    terms = {str(t): list(idx) for t, idx in spec.term_indices.items()}
    terms = {("Intercept" if t == "1" else t): idx for t, idx in terms.items()}
    return Design(np.asarray(mm, dtype=float), [str(c) for c in mm.columns], terms, spec)


def as_matrix(x, n, what, columns=None):
    """(matrix (n, p), column names) of an array or DataFrame with n rows."""
    if isinstance(x, pd.Series):
        x = x.to_frame()
    if isinstance(x, pd.DataFrame):
        names = [str(c) for c in x.columns]
        try:
            m = x.to_numpy(dtype=float)
        except (TypeError, ValueError):
            bad = [c for c in x.columns if not pd.api.types.is_numeric_dtype(x[c])]
            raise TypeError(f"{what}: non-numeric column(s) {bad}; encode factors (a formula "
                            "does it with C(...))") from None
    else:
        try:
            m = np.asarray(x, dtype=float)
        except (TypeError, ValueError):
            raise TypeError(f"{what} must be a numeric array or DataFrame") from None
        if m.ndim == 1:
            m = m[:, None]
        if m.ndim != 2:
            raise ValueError(f"{what} must be 2-dimensional (rows, columns); got shape {m.shape}")
        names = columns or [f"x{i}" for i in range(m.shape[1])]
    if m.shape[0] != n:
        raise ValueError(f"{what} has {m.shape[0]} rows but the response has {n}")
    if columns is not None and len(columns) != m.shape[1]:
        raise ValueError(f"{what} has {m.shape[1]} columns; the fit's design has {len(columns)} "
                         f"({list(columns)})")
    bad = ~np.isfinite(m)
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise ValueError(f"{what}: column {names[j]!r} has a missing or infinite value at row {i}")
    return m, names


def array_design(x, n, what):
    """The Design of an array or DataFrame given directly (None: an intercept only)."""
    if x is None:
        return Design(np.ones((n, 1)), ["Intercept"], {"Intercept": [0]})
    m, names = as_matrix(x, n, what)
    return Design(m, names, {c: [i] for i, c in enumerate(names)})
