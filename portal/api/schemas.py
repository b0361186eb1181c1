"""Every shape the open-data API returns, defined once; the OpenAPI document is generated from these
models (portal/api/openapi.py), so the document and the answers cannot drift apart.

How to add an endpoint
----------------------
1. Define the response body here as a model (reuse Bilingual, Status, ... for the parts).
2. In the view, build the model from what the service returns (services return domain objects, never
   dicts or URLs; the API layer adds URLs with url_for) and answer ``json_response(model)``.
3. Add one ``Operation(...)`` line to ``OPERATIONS`` in portal/api/openapi.py, naming the endpoint,
   the response model and, if any, a query model (its fields become the query parameters).
Schemathesis (tests/test_api_schemathesis.py) then checks the new endpoint against the document.

To add a field to an existing shape (say, an ``outcome`` object on the item): add a model for it here,
add the field to ``Item`` and fill it in ``build.item`` (portal/api/build.py) from the service result.
The models forbid unknown keys, so a field missing from here cannot reach the JSON undocumented.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, WithJsonSchema

from ..states import OutcomeKind
from ..services.sites import STAGES
from ..services.status import NO_REPORT, STATUSES

# Stored times are naive UTC; the API has always written them with a trailing Z.
UtcTime = Annotated[datetime, PlainSerializer(lambda d: d.isoformat() + "Z", return_type=str),
                    WithJsonSchema({"type": "string", "format": "date-time"})]
# Keeps a whole number whole in the JSON (35, not 35.0), as the notice writes it: figures are stored as floats.
Number = Annotated[int | float, PlainSerializer(lambda v: int(v) if isinstance(v, float) and v.is_integer() else v,
                                                return_type=int | float),
                   WithJsonSchema({"type": "number"})]
StatusCode = Literal[tuple(STATUSES)]  # type: ignore[valid-type]
StageCode = Literal[tuple(STAGES)]  # type: ignore[valid-type]


class Shape(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Bilingual(Shape):
    zh: str
    en: str


class Named(Bilingual):
    slug: str


class Location(Named):
    kind: str


class Status(Shape):
    code: Literal[(NO_REPORT, *STATUSES)]  # type: ignore[valid-type]
    label: Bilingual
    updated_at: UtcTime | None
    deadline_passed: bool
    overdue: bool


class Section(Shape):
    number: int
    title: Bilingual


class Subsection(Shape):
    code: str
    title: Bilingual


class ReportedValue(Shape):
    target: str
    value: Number


class Update(Shape):
    id: int
    status: StatusCode
    note: Bilingual
    happened_on: date
    published_at: UtcTime
    progress: list[ReportedValue]


class Target(Shape):
    key: str
    metric: Bilingual
    value: Number
    unit: Bilingual
    comparator: Literal["exact", "at_least"]
    source_phrase: str
    progress: Number | None = Field(description="Current value; null until reported")
    progress_source: Literal["reported", "sites"] | None = Field(
        description="reported: typed in by staff; sites: counted from the project sites")


class Stage(Shape):
    code: StageCode
    label: Bilingual


class StageEntry(Shape):
    stage: StageCode
    note: Bilingual
    happened_on: date
    published_at: UtcTime


class Site(Shape):
    id: int
    name: Bilingual
    target: str | None = Field(description="Key of the target the project counts towards")
    place: Named | None
    building: str | None
    stage: Stage
    history: list[StageEntry]
    url: Bilingual


class Achieved(Shape):
    target: str
    value: Number


class Outcome(Shape):
    result: Literal[tuple(OutcomeKind)]  # type: ignore[valid-type]
    label: Bilingual
    figures: list[Achieved] = Field(description="Achieved against the item's targets (keys as in targets)")
    note: Bilingual
    continued_by: str | None = Field(description="<plan-slug>/<code> of the later plan's item")
    recorded_at: UtcTime
    updated_at: UtcTime


class Item(Shape):
    code: str = Field(pattern=r"^\d+\.\d+(\.\d+)?$")
    section: Section
    subsection: Subsection
    title: Bilingual
    summary: Bilingual
    official_text: str
    departments: list[Named]
    deadline: str = Field(pattern=r"^\d{4}-\d{2}$")
    status: Status
    history: list[Update] = Field(description="Published updates, newest first (by the date things happened)")
    sites: list[Site]
    targets: list[Target]
    locations: list[Location]
    url: Bilingual
    outcome: Outcome | None = Field(description="What became of the work point, recorded by staff after its "
                                                "plan's year; null until recorded")


class ItemList(Shape):
    items: list[Item]


class SearchQuery(Shape):
    """The query string of /api/v1/search; each field is one documented parameter."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    q: str = Field("", max_length=200, description="What to look for, up to 200 characters")
    lang: Literal["zh", "en"] = Field("zh", description="Language of titles, snippets and URLs")
    plan: str = Field("", description="Plan slug (see /api/v1/plans; another is a 400); default: every plan")
    area: str = Field("", description="Action area number 1-8")
    office: str = Field("", description="Office slug")
    month: str = Field("", description="Deadline month, YYYY-MM")
    status: str = Field("", description="Status code")
    place: str = Field("", description="Place slug")
    more: Literal["1", ""] = Field(
        "", description="1 also lists the weak hits left out by default (those under 30% of the best score)")


class SearchHit(Shape):
    code: str
    plan: str = Field(description="Slug of the plan the work point belongs to")
    year: int = Field(description="That plan's year")
    title: str
    snippet: str
    url: str
    score: float
    status: Status = Field(description="As on the work point's page: no progress report yet, and whether its deadline has passed")


class SearchResults(Shape):
    query: str
    total: int = Field(description="All hits, including those left out")
    near: bool = Field(description="Nothing matched the words; these share characters with the query")
    more: int = Field(description="Weaker hits left out; ask again with more=1")
    results: list[SearchHit]


class Plan(Shape):
    slug: str
    title: str
    issuer: str
    number: str
    date: date
    year: int
    kind: str
    current: bool = Field(description="The plan the home page /{lang}/ shows (PORTAL_CURRENT_PLAN)")
    legacy: bool = Field(description="The plan /api/v1/items, /api/v1/items/{code} and /api/v1/items.csv answer "
                                     "for: the one those addresses were published for, whichever plan is current")
    items: int = Field(description="How many work points it has")
    statuses: dict[str, int] = Field(description="Work points by status code (codes with none left out)")
    url: Bilingual
    api: str = Field(description="Its work points in this API")


class PlanList(Shape):
    plans: list[Plan] = Field(description="Every plan the site serves, newest first")


class PlanItemList(Shape):
    plan: Plan
    items: list[Item]


# Why a search could not be run: a stable word for programs, beside the message for people.
SearchErrorReason = Literal["empty", "too_long", "nothing_searchable", "invalid_parameter", "unknown_plan"]


class ErrorDetail(Shape):
    code: int = Field(description="The HTTP status")
    message: str = Field(description="What went wrong, for people; its wording may change")
    reason: SearchErrorReason | None = Field(
        None, description="/api/v1/search only: why the search could not be run, one stable word (empty: no "
                          "words and no filter; too_long: q over 200 characters; nothing_searchable: q has no "
                          "letter, digit or Chinese character; invalid_parameter: a parameter's value is not "
                          "allowed; unknown_plan: no plan with that slug)")


class Error(Shape):
    error: ErrorDetail
