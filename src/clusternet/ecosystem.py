"""Where pickles of an Ecosystem written by clusternet 0.1 find their loader; the class is :class:`clusternet.Ecosystem`."""

# Pickles name the function that rebuilds an object, and the class it rebuilds, by module path;
# clusternet 0.1 kept both in this module, so these names must keep resolving here for those
# files to load (tests/test_compat.py loads a pickle written by 0.1).
from .model._ecosystem import Ecosystem, _restore  # noqa: F401

__all__: list[str] = []
