"""Where pickles of an Ecosystem written by clusternet 0.1 find their loader; the class is :class:`clusternet.Ecosystem`."""

# Pickles name the function that rebuilds an object by its module path; clusternet 0.1 kept the
# Ecosystem in this module, so this path must keep resolving for those files to load.

__all__: list[str] = []
