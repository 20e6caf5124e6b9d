"""Speech recognizers behind one interface (see :mod:`.base`)."""

from voiceguide.recognizers.base import (
    ENGINES,
    Hypothesis,
    Recognizer,
    RecognizerError,
    create_recognizer,
)

__all__ = ["ENGINES", "Hypothesis", "Recognizer", "RecognizerError", "create_recognizer"]
