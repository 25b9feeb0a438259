"""Storage: the only package that knows SQLite and PostgreSQL. The domain never imports it."""

from commons.lazy import exports

TYPE_CHECKING = False  # not typing's: see commons/__init__.py
if TYPE_CHECKING:  # what mypy sees instead of __getattr__: the names of EXPORTS
    from commons.store.opening import is_server_url, open_store, stored_version
    from commons.store.sqlite import SCHEMA_VERSION, SqliteStore, StorageError, StoreBusy, Tables

# Each public name and the module that defines it ("module:name" when renamed).
EXPORTS = {
    "SCHEMA_VERSION": "commons.store.sqlite",
    "SqliteStore": "commons.store.sqlite",
    "StorageError": "commons.store.sqlite",
    "StoreBusy": "commons.store.sqlite",
    "Tables": "commons.store.sqlite",
    "is_server_url": "commons.store.opening",
    "open_store": "commons.store.opening",
    "stored_version": "commons.store.opening",
}

if not TYPE_CHECKING:  # mypy would take any misspelt name for one __getattr__ returns
    __getattr__, __dir__ = exports(globals(), EXPORTS)

__all__ = ["SCHEMA_VERSION", "SqliteStore", "StorageError", "StoreBusy", "Tables",
           "is_server_url", "open_store", "stored_version"]
