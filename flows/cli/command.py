"""The shape of a `gazette` command; flows/cli/main.py's `COMMANDS` lists them all."""
from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass

# The exit code of a run that did part of its work (a source quarantined, a channel down).
EXIT_PARTIAL = 3


def no_arguments(parser: argparse.ArgumentParser) -> None:
    """For a command that takes only the global options (`--db`)."""


def add_color_argument(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                        help=f"colour {what} (default auto: when printing to a terminal and NO_COLOR "
                             "is unset)")


def wants_colour(choice: str) -> bool:
    """Whether `--color` CHOICE colours stdout: always, never, or on a terminal unless NO_COLOR
    is set to anything but the empty string (no-color.org)."""
    return choice == "always" or (choice == "auto" and sys.stdout.isatty() and not os.environ.get("NO_COLOR"))


@dataclass(frozen=True)
class Command:
    """One `gazette` command: `help` is its line in `gazette --help`, `description` heads its own
    `--help`; `add_arguments` declares its options and `run` does its work, returning the exit code.

    `run` imports what it needs itself, so that building the parser imports no flow or Prefect.
    """
    name: str
    help: str
    description: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]
