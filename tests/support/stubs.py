"""Stand-ins with just the attributes a class under test reads."""

from __future__ import annotations


class Stub:
    """Just the attributes EchoPolicy reads of the speaker, the reference and the canceller."""

    def __init__(self, **attributes: object) -> None:
        self.__dict__.update(attributes)
