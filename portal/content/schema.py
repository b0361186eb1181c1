"""Shapes of the YAML files under content/, validated with pydantic so an error names the field."""
from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

CJK_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")
SLUG_RE = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
# An item of a plan: "<plan-slug>/<code>", e.g. 2023-city-management/2.3.
ITEM_REF_RE = r"^[a-z0-9]+(?:-[a-z0-9]+)*/\d+\.\d+(?:\.\d+)?$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _english(value: str) -> str:
    if CJK_RE.search(value):
        raise ValueError("English text contains Chinese characters")
    return value


class Bilingual(Strict):
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)

    @field_validator("en")
    @classmethod
    def en_is_english(cls, v: str) -> str:
        return _english(v)


class PlainText(Strict):
    """Plain-language wording; empty until a writer fills it (the importer leaves it empty)."""
    zh: str = ""
    en: str = ""

    @field_validator("en")
    @classmethod
    def en_is_english(cls, v: str) -> str:
        return _english(v)


class PlanFile(Strict):
    slug: str = Field(pattern=SLUG_RE)
    issuer: str = Field(min_length=1)
    number: str = Field(min_length=1)
    date: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    title: str = Field(min_length=1)
    year: int = Field(ge=1990, le=2100)
    kind: str = Field(pattern=SLUG_RE)
    published: bool = False


class OfficeFile(Strict):
    slug: str = Field(pattern=SLUG_RE)
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)
    full_zh: str | None = None

    @field_validator("en")
    @classmethod
    def en_is_english(cls, v: str) -> str:
        return _english(v)


class SectionName(Strict):
    en: str = ""
    plain_zh: str | None = None

    @field_validator("en")
    @classmethod
    def en_is_english(cls, v: str) -> str:
        return _english(v)


class PlaceFile(Strict):
    slug: str = Field(pattern=SLUG_RE)
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)
    kind: Literal["village", "hamlet", "residential_community", "town_area"]

    @field_validator("en")
    @classmethod
    def en_is_english(cls, v: str) -> str:
        return _english(v)


class TermFile(Strict):
    key: str = Field(pattern=SLUG_RE)
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)
    explain_zh: str = Field(min_length=1)
    explain_en: str = Field(min_length=1)
    aliases: list[str] = []

    @field_validator("en", "explain_en")
    @classmethod
    def en_is_english(cls, v: str) -> str:
        return _english(v)


class TargetFile(Strict):
    key: str = Field(pattern=r"^[a-z0-9_]+$")
    metric: Bilingual
    value: float = Field(gt=0)
    unit: Bilingual
    comparator: Literal["exact", "at_least"] = "exact"
    phrase: str = Field(min_length=1)


class ItemFile(Strict):
    code: str = Field(pattern=r"^\d+\.\d+(?:\.\d+)?$")
    # A copy of the notice's wording written by the importer for the writer's convenience; the loader
    # checks it still matches the notice, so it can never drift from the official text.
    official: str = ""
    title: PlainText = PlainText()
    summary: PlainText = PlainText()
    targets: list[TargetFile] = []
    places: list[str] = []
    terms: list[str] = []
    # The earlier plan's item this one carries on (checked against the plans by the loader).
    continues: str | None = Field(default=None, pattern=ITEM_REF_RE)

    @field_validator("title")
    @classmethod
    def title_lengths(cls, v: PlainText) -> PlainText:
        if len(v.zh) > 20:
            raise ValueError(f"zh title is {len(v.zh)} characters; at most 20")
        if len(v.en) > 70:
            raise ValueError(f"en title is {len(v.en)} characters; at most 70")
        return v
