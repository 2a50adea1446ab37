"""`python -m gradlang` is the `gradlang` command."""

from .cli import command

command()
