"""Sources in both languages: ``{zh, en}`` loads, prints and round-trips.

The bundled profiles write every ``spaceplan default`` reason, every
English gloss of a document and every note in both languages; the
Chinese text of each has no English words (standards' codes, ids and
units aside).
"""

from __future__ import annotations

import json
import pickle
import re
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import ValidationError

from spaceplan.bilingual import Source, in_lang, is_default
from spaceplan.data import Advice, Policy
from spaceplan.policies import load_policy, policy_ids
from spaceplan.report.wording import strength_word
from spaceplan.sentences import source_words
from spaceplan.solution import CheckRecord

BOTH = {"zh": "spaceplan 默认：15 m²，两把椅子", "en": "spaceplan default: 15 m²"}


def test_a_mapping_loads_as_a_source_in_both_languages() -> None:
    advice = Advice.model_validate({"source": BOTH})
    assert isinstance(advice.source, Source)
    assert in_lang(advice.source, "zh") == BOTH["zh"]
    assert source_words(advice.source, "en") == BOTH["en"]
    # The string is the English text: old comparisons still hold.
    assert advice.source.startswith("spaceplan default")
    assert advice.model_dump(mode="json")["source"] == BOTH


def test_one_language_falls_back_and_plain_strings_stand() -> None:
    only_zh = Source(zh="spaceplan 默认：安静的房间")
    assert only_zh.in_lang("en") == "spaceplan 默认：安静的房间"
    assert is_default(only_zh)
    assert in_lang("GB 50763-2012 7.3", "zh") == "GB 50763-2012 7.3"
    assert not is_default("GB 50763-2012 7.3")
    # A Chinese-only default reads 建议值 / spaceplan 默认 like the English.
    assert strength_word("needs", "advice", only_zh, "zh") == strength_word(
        "needs", "advice", "spaceplan default: x", "zh"
    )


def test_a_source_survives_a_result_file_and_a_process() -> None:
    record = CheckRecord(
        rule="needs", source=Source(**BOTH), required=None,
        achieved=None, passed=True,
    )  # fmt: skip
    back = CheckRecord.model_validate_json(record.model_dump_json())
    assert back.source.zh == BOTH["zh"]  # type: ignore[attr-defined]
    assert json.loads(record.model_dump_json())["source"] == BOTH
    copied = pickle.loads(pickle.dumps(Source(**BOTH)))
    assert (copied.zh, copied.en) == (BOTH["zh"], BOTH["en"])


@pytest.mark.parametrize(
    "value",
    [
        {"fr": "source"},  # a language spaceplan does not print
        {},  # no text at all
        {"zh": ""},  # an empty text
        {"zh": 3},  # not text
        7,  # neither a string nor a mapping
    ],
)
def test_a_bad_source_is_refused(value: Any) -> None:
    with pytest.raises(ValidationError, match="source"):
        Advice.model_validate({"source": value})


def test_the_policy_schema_offers_both_forms() -> None:
    schema = json.dumps(Policy.model_json_schema())
    assert '"zh"' in schema and '"en"' in schema


def _sources(value: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "notes":
                yield from ((key, note) for note in item)
            elif "source" in key and item is not None:
                yield key, item
            else:
                yield from _sources(item)
    elif isinstance(value, list):
        for item in value:
            yield from _sources(item)


#: Codes of standards (JGJ 450-2018) and units are not English words,
#: nor ids (day_care, sichuan-2021-new) and the scenario keys a note
#: names.
_CODES = re.compile(r"\b(?:GB|JGJ|CJJ)(?:/T)? ?\d")
_IDS = re.compile(r"\b[A-Za-z][A-Za-z0-9]*(?:[_-][A-Za-z0-9]+)+\b")
_KEYS = {"spaceplan", "require", "exclude"}


def _english(text: str) -> list[str]:
    text = _IDS.sub(" ", _CODES.sub(" ", text))
    words = re.findall(r"[A-Za-z]{3,}", text)
    return [w for w in words if w not in _KEYS]


def test_every_bundled_source_reads_in_chinese() -> None:
    faults = []
    count = 0
    for pid in policy_ids():
        dumped = load_policy(pid).model_dump(mode="json")
        for key, value in _sources(dumped):
            zh = value["zh"] if isinstance(value, dict) else value
            if zh in ("default", "spaceplan default"):
                continue  # worded by the catalogue (spaceplan 默认)
            count += 1
            if _english(zh):
                faults.append((pid, key, zh))
            if isinstance(value, dict):
                assert value.get("en"), (pid, key)
                # A default stays recognisable in both languages.
                assert value["en"].startswith("spaceplan default") == (
                    zh.startswith("spaceplan 默认")
                ), (pid, key)
    assert count > 100
    assert faults == []


def test_every_bundled_example_source_reads_in_chinese() -> None:
    # The examples' own sources (a function's area_source, an override's
    # reason) are shown beside the profiles' in Chinese output too.
    from pathlib import Path

    import yaml

    import spaceplan

    root = Path(spaceplan.__file__).parent / "examples"
    count, faults = 0, []
    for path in sorted(root.glob("*/*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for key, value in _sources(data):
            zh = value["zh"] if isinstance(value, dict) else value
            count += 1
            if not isinstance(zh, str) or _english(zh):
                faults.append((path.parent.name, key, zh))
    assert count >= 1
    assert faults == []


def test_the_filter_finds_an_english_reason() -> None:
    # The test above can fail: an English reason is found.
    found = _english("spaceplan default: a quiet room")
    assert found == ["default", "quiet", "room"]


def test_a_citation_reads_with_chinese_marks_in_chinese() -> None:
    from spaceplan.sentences import chinese_marks, source_words

    cite = "某工作方案 (重庆市民政局, 2022), 完善基础设施: 设置服务大厅"
    want = "某工作方案（重庆市民政局，2022），完善基础设施：设置服务大厅"
    assert chinese_marks(cite) == want
    assert source_words(cite, "zh") == want
    # A title ending in its own brackets (试行) keeps the issuer apart.
    assert chinese_marks("建设标准（试行） (公安部消防局, 2015): 设置") == (
        "建设标准（试行）（公安部消防局，2015）：设置"
    )
    # English keeps the source as written. In Chinese the colon after a
    # clause number is full-width; the other marks among Latin words and
    # numbers stay.
    assert source_words(cite, "en") == cite
    assert chinese_marks("GB 50763-2012, 3.2.1: ramps (a, b)") == (
        "GB 50763-2012, 3.2.1：ramps (a, b)"
    )
