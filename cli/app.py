"""The root ``commons`` group: global options, the api handle, and the one place errors print.

A ``CommonsError`` becomes its code and message on stderr (JSON under ``--json``) and exit code 1;
click's usage errors keep exit code 2. A user's mistake never shows a traceback.

Command groups are registered by name (``CommonsGroup.add_lazy``) and imported only when they
run, so ``commons --version`` and ``commons ledger balance`` load only what they use.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

import commons
from commons.errors import CommonsError

from .errors import echo_error

if TYPE_CHECKING:
    from commons.app import Books

__all__ = ["App", "CommonsGroup", "date_option", "json_option", "pass_app"]

F = TypeVar("F", bound=Callable[..., Any])


class App:
    """What every command receives: the global options and a lazily opened handle."""

    def __init__(self, db: str, json: bool, read_only: bool, actor: str) -> None:
        self.db = db
        self.actor = actor
        self.json = json
        self.read_only = read_only
        self.db_given = True  # whether --db (or COMMONS_DB) named the database
        self._handle: Books | None = None

    @property
    def api(self) -> Books:
        """The handle on --db, opened on first use."""
        if self._handle is None:
            from commons.app import connect  # noqa: PLC0415 - `commons --help` needs no handle

            self._handle = connect(self.db, read_only=self.read_only, actor=self.actor)
        return self._handle

    def read_only_api(self) -> Books:
        """The handle opened read-only whatever the options, for commands that must never
        write: a read-write open alone may migrate the file or switch its journal to WAL."""
        self.read_only = True
        return self.api

    def close(self) -> None:
        """Close the handle if a command opened one."""
        if self._handle is not None:
            self._handle.close()


pass_app = click.make_pass_decorator(App)


class CommonsGroup(click.Group):
    """A group that turns ``CommonsError`` into a clear message and exit code 1, and imports
    each command registered with ``add_lazy`` only when it is asked for."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy: dict[str, tuple[str, str]] = {}  # name -> ("module:attribute", summary)

    def add_lazy(self, name: str, where: str, summary: str) -> None:
        """Register the command ``where`` names ("module:attribute") under ``name``; ``summary``
        is its line in this group's --help, so that listing the commands imports none."""
        self.lazy[name] = (where, summary)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy and cmd_name not in self.commands:
            module, _, attribute = self.lazy[cmd_name][0].partition(":")
            __import__(module)  # not importlib's: -X importtime times only this kind (as lazy.py)
            self.add_command(getattr(sys.modules[module], attribute), cmd_name)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """click's command list, a registered command shown by its whole summary (click would
        cut it at its first full stop, as in "art. 278", or at the width)."""
        shown = [(name, command) for name in self.list_commands(ctx)
                 if (command := self._listed(name)) is not None and not command.hidden]
        if shown:
            limit = formatter.width - 6 - max(len(name) for name, _ in shown)
            with formatter.section("Commands"):
                formatter.write_dl([(name, command.get_short_help_str(limit))
                                    for name, command in shown])

    def _listed(self, name: str) -> click.Command | None:
        if name in self.lazy:
            return click.Command(name, short_help=self.lazy[name][1])
        return self.commands.get(name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CommonsError as e:
            app = ctx.find_object(App)
            echo_error(e, as_json=app is not None and app.json)
            ctx.exit(1)
        except click.NoSuchOption as e:
            raise _misplaced(e) or e from None


# The root's options that a command does not take, with the value each needs in a hint.
GLOBAL_OPTIONS = {"--db": " FILE", "--actor": " NAME", "--read-only": ""}


def _misplaced(e: click.NoSuchOption) -> click.UsageError | None:
    """A global option written after the command (``commons ledger balance --db X``): click
    would say only "No such option"; say where it goes. None for any other unknown option."""
    if e.option_name not in GLOBAL_OPTIONS or e.ctx is None:
        return None
    root, _, path = e.ctx.command_path.partition(" ")
    where = f"{root} {e.option_name}{GLOBAL_OPTIONS[e.option_name]} {path} ..."
    return click.UsageError(f"{e.option_name} belongs to {root} itself: put {e.option_name} "
                            f"before the command: {where}", ctx=e.ctx)


def default_actor() -> str:
    """Who acts when ``--actor`` and COMMONS_ACTOR are not given: the operating-system user,
    else "cli" (getpass raises where no user name can be found, as in some containers)."""
    try:
        import getpass  # noqa: PLC0415 - locale and pwd are not needed before this

        return getpass.getuser() or "cli"
    except (OSError, KeyError, ImportError):  # which one getpass raises depends on the platform
        return "cli"


def _set_json(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        ctx.find_object(App).json = True  # type: ignore[union-attr]


def date_option(_ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    """An option's YYYY-MM-DD value as a date (None when not given); a bad date is refused
    naming the option, like every other bad value."""
    if value is None:
        return None
    from commons.app import parse_date  # noqa: PLC0415 - loaded only when a date is given

    try:
        return parse_date(value)
    except CommonsError as e:
        raise e.located(field=max(param.opts, key=len)) from None


def json_option(f: F) -> F:
    """``--json`` accepted after a command too (``commons split ... --json``)."""
    return click.option("--json", "json_output", is_flag=True, expose_value=False,
                        callback=_set_json, help="Print machine-readable JSON on stdout.")(f)


@click.group(cls=CommonsGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", default="commons.db", envvar="COMMONS_DB", show_default=True,
              show_envvar=True, help="The SQLite database file, or a book on a PostgreSQL "
              "server: postgresql://[USER@]HOST[:PORT]/DATABASE?book=NAME.")
@click.option("--json", "json_output", is_flag=True,
              help="Print machine-readable JSON on stdout (amounts as strings in yuan).")
@click.option("--read-only", is_flag=True,
              help="Open the database read-only: nothing can be written, even by mistake.")
@click.option("--actor", envvar="COMMONS_ACTOR", default=default_actor, show_envvar=True,
              help="Who is acting; recorded on every entry written (default: the "
              "operating-system user).")
@click.version_option(commons.__version__, prog_name="commons")
@click.pass_context
def main(ctx: click.Context, db: str, json_output: bool, read_only: bool, actor: str) -> None:
    """Books for shared property (共享物业) in old residential neighbourhoods.

    Bundled contracts, a double-entry shared-revenue ledger, billing, tidal parking, cost splits,
    owners' resolutions, bank reconciliation and audit export. Amounts are yuan with at most two
    decimals and are kept as whole fen.

    The options below go before the command (commons --db FILE ledger balance); --json may
    also follow it.
    """
    app = App(db, json_output, read_only, actor)
    app.db_given = ctx.get_parameter_source("db") is not click.core.ParameterSource.DEFAULT
    ctx.obj = app
    ctx.call_on_close(app.close)
