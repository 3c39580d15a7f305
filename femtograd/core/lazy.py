"""scipy's heavy submodules, imported on first use.

`scipy.stats`, `scipy.optimize` and `scipy.integrate` cost ~70 MB of resident memory and a third
of a second to import. Most fits need none of them, and a Dask driver that only sums what its
workers send back should stay small, so modules reach them through these stand-ins, which import
the real module when an attribute is first read.
"""

import importlib


class LazyModule:
    """Stands in for the module `name` until one of its attributes is read."""

    def __init__(self, name):
        self._name = name
        self._module = None

    def __getattr__(self, attr):
        if self._module is None:
            self._module = importlib.import_module(self._name)
        return getattr(self._module, attr)

    def __repr__(self):
        return f"<lazy module {self._name!r}>"


stats = LazyModule("scipy.stats")
optimize = LazyModule("scipy.optimize")
integrate = LazyModule("scipy.integrate")
