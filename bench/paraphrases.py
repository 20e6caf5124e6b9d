"""Development paraphrases: commands said in words the grammar lacks, for tuning the understanding stage.

Written by the developers while tuning (so they are not a fair test);
the held-out set of natural phrasings is :mod:`bench.natural_phrasings`,
never used for tuning. The second batch of each (2026-12-03, for choosing
all-MiniLM-L6-v2's thresholds: 60 paraphrases and 26 lines of room talk were
too few to choose four thresholds on) was written without reading the held-out set;
the third to seventh (2026-12-04, for the key phrases) by helpers who read nothing of
the project, each measured once before it was tuned on (the seventh was not tuned on;
docs/understanding.md); the eighth (2026-12-04 evening) the same way, weighted to the
intents understood least, with room talk and half sentences; the ninth right after it,
in the styles of tired and sore people (self-corrections, swearing, regional phrasing);
the tenth at the end, as twenty users of different ages and countries, measured once and
not tuned on; the eleventh (2026-12-04 night) weighted again to the intents understood least,
measured once before it was tuned on; the twelfth right after it, as twelve imagined users
with a third of their lines in the halted context, measured once before it was tuned on; the
thirteenth after it, as people talk to smart speakers at home, measured once before it was tuned on;
the fourteenth (2026-12-05 night) as uncomfortable, tired, older or distracted people talk, weighted
to the intents understood least, and the fifteenth after it, as thirteen imagined speakers with a third of
their lines in the halted context, each measured once before it was tuned on; the sixteenth last,
as people talk mid-workout, measured once and not tuned on; the seventeenth (2026-12-05)
as breathless or sore people talk, or to a physiotherapist, measured once before it was tuned on; the
eighteenth last, as people in their first week with it talk, measured once and not tuned on; the nineteenth
(2026-12-05 morning), weighted to the intents understood least, as breathless, elderly, non-native, teenage and chatty
people talk, and the twentieth, as ten imagined users in their second week, each measured once before it was
tuned on; the twenty-first (2026-12-05), as ten imagined people on a bad day, and the twenty-second, as twelve
imagined people in twelve situations weighted to the intents understood least, each measured once before it was tuned on;
the twenty-third (2026-12-05 evening), as ten imagined people, measured once before and after the phrasings became
examples of understanding by meaning, and not tuned on.
"""

from voiceguide.understanding.phrasings import packaged_examples

# Since 2026-12-05 the phrasings are data the app compares what it hears with (grammars/en_phrasings.tsv and
# grammars/en_room_talk.txt, each batch's note kept there): every one is now an example, so the development
# figures are what the stage makes of what it was given; bench.cross_batch measures each batch left out.
_SAID = packaged_examples()
# (what the coach is waiting for, what the user says, intent)
DEVELOPMENT_PARAPHRASES: tuple[tuple[str, str, str], ...] = tuple(
    (phrasing.context.value, phrasing.text, phrasing.intent.value) for phrasing in _SAID.commands
)
# Said in the room, not to the coach: development negatives for tuning (the held-out ones are elsewhere).
DEVELOPMENT_ROOM_TALK: tuple[str, ...] = _SAID.room_talk
