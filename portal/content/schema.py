"""Shapes of the YAML files under content/, validated with pydantic so an error names the field."""
from __future__ import annotations

import re
from functools import cached_property
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from ..han import CJK_PUNCTUATION, HAN
from ..numbers import grouped

CJK_RE = re.compile(f"[{HAN}{CJK_PUNCTUATION}]")
SLUG_RE = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
# An item of a plan: "<plan-slug>/<code>", e.g. 2023-city-management/2.3.
ITEM_REF_RE = r"^[a-z0-9]+(?:-[a-z0-9]+)*/\d+\.\d+(?:\.\d+)?$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _english(value: str) -> str:
    if CJK_RE.search(value):
        raise ValueError("English text contains Chinese characters")
    return value


English = Annotated[str, AfterValidator(_english)]
EnglishName = Annotated[str, Field(min_length=1), AfterValidator(_english)]


class InLanguage:
    """A Chinese and an English wording (`zh`, `en`); pages pick one with the `t` filter."""

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh

    def as_dict(self) -> dict[str, str]:
        return {"zh": self.zh, "en": self.en}


class Bilingual(InLanguage, Strict):
    zh: str = Field(min_length=1)
    en: EnglishName


class PlainText(InLanguage, Strict):
    """Plain-language wording; empty until a writer fills it (the importer leaves it empty)."""
    zh: str = ""
    en: English = ""


class SearchSuggestions(InLanguage, Strict):
    """content/search_suggestions.yaml: searches the search page offers, per language."""
    zh: list[str] = Field(min_length=1)
    en: list[English] = Field(min_length=1)


class PlanFile(Strict):
    """plan.yaml. The notice is in Chinese only: `title` and `issuer` are its words, `title_en` and `issuer_en`
    a writer's translation, empty until written (English readers then see a label made of the plan's facts)."""
    slug: str = Field(pattern=SLUG_RE)
    issuer: str = Field(min_length=1)
    issuer_en: English = ""
    number: str = Field(min_length=1)
    date: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    title: str = Field(min_length=1)
    title_en: English = ""
    year: int = Field(ge=1990, le=2100)
    kind: str = Field(pattern=SLUG_RE)
    published: bool = False


class Named(Strict):
    """A record of content/*.yaml with its name in both languages, which pages read as `.name`."""
    zh: str = Field(min_length=1)
    en: EnglishName

    @cached_property
    def name(self) -> Bilingual:
        return Bilingual(zh=self.zh, en=self.en)


class OfficeFile(Named):
    slug: str = Field(pattern=SLUG_RE)
    full_zh: str | None = None


class SectionName(Strict):
    en: English = ""
    plain_zh: str | None = None


class PlaceFile(Named):
    slug: str = Field(pattern=SLUG_RE)
    kind: Literal["village", "hamlet", "residential_community", "town_area"]


class TermFile(Named):
    key: str = Field(pattern=SLUG_RE)
    explain_zh: str = Field(min_length=1)
    explain_en: EnglishName
    aliases: tuple[str, ...] = ()

    @cached_property
    def explanation(self) -> Bilingual:
        return Bilingual(zh=self.explain_zh, en=self.explain_en)

    @property
    def forms(self) -> tuple[str, ...]:
        return (self.zh, *self.aliases)


SiteStage = Literal["consultation", "construction", "completed"]


class TargetFile(Strict):
    key: str = Field(pattern=r"^[a-z0-9_]+$")
    metric: Bilingual
    value: float = Field(gt=0)
    unit: Bilingual
    comparator: Literal["exact", "at_least"] = "exact"
    phrase: str = Field(min_length=1)
    # Targets that are steps of one process (consulted, started, finished) each name the project-site
    # stage from which a site counts for them; a site filed under any of them counts for all of them
    # (services/sites.py). Unset: a site counts once completed, and only for its own target.
    counts_from: SiteStage | None = None

    @property
    def display_value(self) -> str:
        return grouped(self.value)


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
