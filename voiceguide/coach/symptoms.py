"""Which symptoms a report names, from the words heard.

The grammar's ``safety_words`` say which words make a report a symptom; this
table says which symptom each names, so the advice can name it too. Words
not here (or a plain "yes" to the symptom question) get the routine's own
symptom advice, which names them all.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from enum import Enum
from types import MappingProxyType


class Symptom(str, Enum):
    WEAKNESS = "weakness"
    TINGLING = "tingling"
    NUMBNESS = "numbness"
    DIZZINESS = "dizziness"  # and feeling faint or sick: the same advice


SYMPTOM_WORDS: Mapping[str, Symptom] = MappingProxyType(
    {
        "weak": Symptom.WEAKNESS,
        "weakness": Symptom.WEAKNESS,
        "jelly": Symptom.WEAKNESS,
        "tingling": Symptom.TINGLING,
        "tingly": Symptom.TINGLING,
        "tingle": Symptom.TINGLING,
        "pins and needles": Symptom.TINGLING,
        "numb": Symptom.NUMBNESS,
        "numbness": Symptom.NUMBNESS,
        "can't feel": Symptom.NUMBNESS,
        "cannot feel": Symptom.NUMBNESS,
        "no feeling": Symptom.NUMBNESS,
        "lost feeling": Symptom.NUMBNESS,
        "tingles": Symptom.TINGLING,
        "dizzy": Symptom.DIZZINESS,
        "lightheaded": Symptom.DIZZINESS,
        "light headed": Symptom.DIZZINESS,
        "woozy": Symptom.DIZZINESS,
        "faint": Symptom.DIZZINESS,
        "fainting": Symptom.DIZZINESS,
        "spinning": Symptom.DIZZINESS,
        "dizziness": Symptom.DIZZINESS,
        "giddy": Symptom.DIZZINESS,
        "vertigo": Symptom.DIZZINESS,
        "pass out": Symptom.DIZZINESS,
        "passing out": Symptom.DIZZINESS,
        "black out": Symptom.DIZZINESS,
        "blacking out": Symptom.DIZZINESS,
        "nauseous": Symptom.DIZZINESS,
        "nausea": Symptom.DIZZINESS,
        "queasy": Symptom.DIZZINESS,
        "feel sick": Symptom.DIZZINESS,
        "feeling sick": Symptom.DIZZINESS,
        "feel a bit sick": Symptom.DIZZINESS,
        "feel a little sick": Symptom.DIZZINESS,
        "feel really sick": Symptom.DIZZINESS,
        "feel quite sick": Symptom.DIZZINESS,
        "going to be sick": Symptom.DIZZINESS,
        "gonna be sick": Symptom.DIZZINESS,
        "dead leg": Symptom.NUMBNESS,
        "fuzzy": Symptom.TINGLING,
        "buzzing": Symptom.TINGLING,
        "wobbly": Symptom.WEAKNESS,
        "cold sweat": Symptom.DIZZINESS,
        "clammy": Symptom.DIZZINESS,
        "sick to my stomach": Symptom.DIZZINESS,
        "throw up": Symptom.DIZZINESS,
        "throwing up": Symptom.DIZZINESS,
        "vomit": Symptom.DIZZINESS,
        "vomiting": Symptom.DIZZINESS,
        "paraesthesia": Symptom.TINGLING,
        "paresthesia": Symptom.TINGLING,
        "presyncope": Symptom.DIZZINESS,
        "presyncopal": Symptom.DIZZINESS,
        "bit sick": Symptom.DIZZINESS,
        "little sick": Symptom.DIZZINESS,
        "quite sick": Symptom.DIZZINESS,
        "really sick": Symptom.DIZZINESS,
        "feel kinda sick": Symptom.DIZZINESS,
        "feel kind of sick": Symptom.DIZZINESS,
        "feel sort of sick": Symptom.DIZZINESS,
        "feel pretty sick": Symptom.DIZZINESS,
        "feel so sick": Symptom.DIZZINESS,
        "feel very sick": Symptom.DIZZINESS,
        "feeling kinda sick": Symptom.DIZZINESS,
        "feeling kind of sick": Symptom.DIZZINESS,
        "feeling pretty sick": Symptom.DIZZINESS,
        "feeling so sick": Symptom.DIZZINESS,
        "feeling very sick": Symptom.DIZZINESS,
        "feel ill": Symptom.DIZZINESS,
        "feeling ill": Symptom.DIZZINESS,
        "fell asleep": Symptom.NUMBNESS,
        "fallen asleep": Symptom.NUMBNESS,
        "gone to sleep": Symptom.NUMBNESS,
        "like sleeping": Symptom.NUMBNESS,
        "blurry": Symptom.DIZZINESS,  # blurred vision comes with feeling faint: the same advice
        "blurred vision": Symptom.DIZZINESS,
        "vision is blurred": Symptom.DIZZINESS,
    }
)


def symptoms_named(words: str) -> tuple[Symptom, ...]:
    """The symptoms ``words`` name, in the order of :class:`Symptom`; none for words this table lacks."""
    padded = " " + " ".join(re.sub(r"[^a-z']+", " ", words.lower().replace("’", "'")).split()) + " "
    found = {symptom for word, symptom in SYMPTOM_WORDS.items() if f" {word} " in padded}
    return tuple(symptom for symptom in Symptom if symptom in found)
