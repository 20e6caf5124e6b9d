"""Listening: from microphone frames to the coach's events, in the order audio flows.

- ``echo_canceller``: what the speaker played, lined up with the microphone,
  taken out of each frame by Speex's echo filter; ``residue``: which frames
  it left nothing in but its residue of the coach's voice;
- the recognizer (:mod:`voiceguide.recognizers`) turns the cleaned frames
  into hypotheses;
- ``echo_policy``: what counts as the coach's own voice, which never acts;
- ``decider``: hypotheses into events, pure (the benchmark uses it too);
- ``listener``: the thread that takes each frame through them to the runner;
- ``echo_measures``: how alike the microphone is to the speaker, and how loud.

Only the decider's names are exported here: importing them opens no audio device library.
"""

from .decider import IntentDecider, Thresholds
from .echo_policy import is_echo

__all__ = ["IntentDecider", "Thresholds", "is_echo"]
