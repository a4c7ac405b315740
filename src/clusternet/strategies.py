"""The Hypothesis strategies under their clusternet 0.1 name; they live in :mod:`clusternet.testing`."""

from .testing import ID_ALPHABET, activities, ecosystems, memberships, participations

__all__ = ["ID_ALPHABET", "activities", "ecosystems", "memberships", "participations"]
