"""The visit plan of the visits tests: households of two grids, WS-1 … GK-7."""

from jinguo.visits.tests.conftest import plan

__all__ = ["plan"]
