"""What a host system imports: ``connect`` opens a database and returns a ``Commons`` handle.

Each method of the handle is one use case, runs in one transaction, returns values and never
prints. The command line calls exactly these methods, under the same names.
"""

from commons.api.handle import Commons, InitReport, connect

__all__ = ["Commons", "InitReport", "connect"]
