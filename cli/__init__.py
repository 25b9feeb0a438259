"""The ``commons`` command line (installed as ``commons_cli``): parse, call commons.app, render."""
