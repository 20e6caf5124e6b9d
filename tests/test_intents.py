"""The intents the grammar can produce are exactly the ones the coach has a handler for."""

from __future__ import annotations

import pytest
import yaml

from voiceguide.coach.table import SAID as HANDLERS, intent_table as dispatch_table
from voiceguide.grammar import Grammar, packaged_grammar_file
from voiceguide.intents import Intent, IntentMismatch


def packaged_grammar() -> dict:
    return yaml.safe_load(packaged_grammar_file().read_text(encoding="utf-8"))


def test_the_packaged_grammar_loads_and_has_every_intent_the_coach_handles():
    assert set(Grammar.load().intent_names) == {intent.value for intent in Intent} == set(HANDLERS)


def test_a_grammar_intent_without_a_handler_is_an_error_at_load(tmp_path):
    data = packaged_grammar()
    data["intents"]["Dance"] = {"data": [{"sentences": ["let's dance"]}]}
    path = tmp_path / "extra.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(IntentMismatch, match="no handler for: Dance"):
        Grammar.load(path=path)


def test_a_handled_intent_the_grammar_lacks_is_an_error_at_load(tmp_path):
    data = packaged_grammar()
    del data["intents"]["Okay"]
    path = tmp_path / "missing.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(IntentMismatch, match="the grammar lacks: Okay"):
        Grammar.load(path=path)


def test_a_dispatch_table_missing_an_intent_is_refused():
    table = dict(HANDLERS)
    del table[Intent.REPEAT]
    with pytest.raises(LookupError, match="Repeat"):
        dispatch_table(table)
