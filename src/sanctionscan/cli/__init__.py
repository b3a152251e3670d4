"""The command line: a thin click layer over the core. Nothing below this package prints,
exits or imports click.

Each command group lives in its own module and is registered here by name.
"""

from __future__ import annotations

import importlib
import traceback
from typing import Any

import click

from sanctionscan import __version__

# command name -> (module, attribute); imported lazily so `--help` stays fast
COMMANDS: dict[str, tuple[str, str]] = {
    "scan": ("sanctionscan.cli.scan_cmd", "scan"),
    "rules": ("sanctionscan.cli.rules_cmd", "rules"),
    "lists": ("sanctionscan.cli.lists_cmd", "lists"),
    "feed": ("sanctionscan.cli.feed_cmd", "feed"),
    "baseline": ("sanctionscan.cli.feed_cmd", "baseline"),
    "eval": ("sanctionscan.cli.eval_cmd", "eval_cmd"),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(name for name in COMMANDS if self.get_command(ctx, name) is not None)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        try:
            module = importlib.import_module(target[0])
        except ModuleNotFoundError as exc:
            if exc.name == target[0]:
                return None  # command module not written yet
            raise
        command: click.Command = getattr(module, target[1])
        return command

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit,
                click.exceptions.Abort):
            raise
        except Exception as exc:
            # A bug of ours: say so, with the traceback to report, under its own exit code
            # (1 means "findings", 3 bad input).
            from sanctionscan.cli.common import EXIT_INTERNAL

            click.echo(traceback.format_exc().rstrip(), err=True)
            click.echo(f"sanctionscan: internal error ({type(exc).__name__}: {exc}); please "
                       "report it with the traceback above", err=True)
            ctx.exit(EXIT_INTERNAL)


# -h as well as --help, on every command (child contexts inherit the setting)
CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}


@click.group(cls=LazyGroup, context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, prog_name="sanctionscan")
def cli() -> None:
    """Flag possible UN Security Council sanctions violations in news articles."""


def main() -> None:
    cli()
