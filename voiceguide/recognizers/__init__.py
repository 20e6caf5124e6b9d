"""Speech recognizers behind one interface (:mod:`.base`), listed in one registry (:mod:`.registry`)."""

from voiceguide.recognizers.base import Hypothesis, Recognizer, RecognizerError

__all__ = ["Hypothesis", "Recognizer", "RecognizerError"]
