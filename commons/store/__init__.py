"""Storage: the only package that knows SQLite. The domain never imports it."""

from commons.store.sqlite import SCHEMA_VERSION, SqliteStore, StorageError, StoreBusy, Tables

__all__ = ["SCHEMA_VERSION", "SqliteStore", "StorageError", "StoreBusy", "Tables"]
