"""``python -m mtclean``: the same command line as the ``mtclean`` script."""

from mtclean.cli import app

app(prog_name="mtclean")
