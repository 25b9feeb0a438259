"""The demo: a sample district built from the places the books were made for, walked through
every duty. It sits above ``commons.app`` and uses only the public API: ``commons.connect``, the
services and the values they return, so ``commons demo`` (or ``run_demo(books)``) shows exactly
what a host system can do.
"""

from commons.demo.base import DemoReport, DemoStep
from commons.demo.district import run_demo

__all__ = ["DemoReport", "DemoStep", "run_demo"]
