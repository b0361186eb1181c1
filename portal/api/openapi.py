"""The OpenAPI 3.1 description of the open-data API; tests validate responses against it."""
from __future__ import annotations

BILINGUAL = {
    "type": "object",
    "required": ["zh", "en"],
    "properties": {"zh": {"type": "string"}, "en": {"type": "string"}},
}

STATUS = {
    "type": "object",
    "required": ["code", "label", "updated_at", "deadline_passed"],
    "properties": {
        "code": {"type": "string", "enum": ["no_report", "not_started", "in_progress", "completed", "delayed"]},
        "label": BILINGUAL,
        "updated_at": {"type": ["string", "null"], "format": "date-time"},
        "deadline_passed": {"type": "boolean"},
        "overdue": {"type": "boolean"},
    },
}

ITEM = {
    "type": "object",
    "required": ["code", "section", "title", "summary", "official_text", "departments", "deadline",
                 "status", "history", "sites", "targets", "locations", "url"],
    "properties": {
        "code": {"type": "string", "pattern": r"^\d+\.\d+(\.\d+)?$"},
        "section": {
            "type": "object", "required": ["number", "title"],
            "properties": {"number": {"type": "integer"}, "title": {"$ref": "#/components/schemas/Bilingual"}},
        },
        "subsection": {
            "type": "object",
            "properties": {"code": {"type": "string"}, "title": {"$ref": "#/components/schemas/Bilingual"}},
        },
        "title": {"$ref": "#/components/schemas/Bilingual"},
        "summary": {"$ref": "#/components/schemas/Bilingual"},
        "official_text": {"type": "string"},
        "departments": {"type": "array", "items": {
            "type": "object", "required": ["zh", "en"],
            "properties": {"slug": {"type": "string"}, "zh": {"type": "string"}, "en": {"type": "string"}}}},
        "deadline": {"type": "string", "pattern": r"^\d{4}-\d{2}$"},
        "status": {"$ref": "#/components/schemas/Status"},
        "history": {"type": "array", "items": {"$ref": "#/components/schemas/Update"},
                    "description": "Published updates, newest first (by the date things happened)"},
        "sites": {"type": "array", "items": {"$ref": "#/components/schemas/Site"}},
        "targets": {"type": "array", "items": {"$ref": "#/components/schemas/Target"}},
        "locations": {"type": "array", "items": {
            "type": "object", "required": ["slug", "zh", "en", "kind"],
            "properties": {"slug": {"type": "string"}, "zh": {"type": "string"}, "en": {"type": "string"},
                           "kind": {"type": "string"}}}},
        "url": {"$ref": "#/components/schemas/Bilingual"},
    },
}

UPDATE = {
    "type": "object",
    "required": ["id", "status", "note", "happened_on", "published_at", "progress"],
    "properties": {
        "id": {"type": "integer"},
        "status": {"type": "string", "enum": ["not_started", "in_progress", "completed", "delayed"]},
        "note": {"$ref": "#/components/schemas/Bilingual"},
        "happened_on": {"type": "string", "format": "date"},
        "published_at": {"type": "string", "format": "date-time"},
        "progress": {"type": "array", "items": {
            "type": "object", "required": ["target", "value"],
            "properties": {"target": {"type": "string"}, "value": {"type": "number"}}}},
    },
}

TARGET = {
    "type": "object",
    "required": ["key", "metric", "value", "unit", "comparator", "source_phrase", "progress"],
    "properties": {
        "key": {"type": "string"},
        "metric": {"$ref": "#/components/schemas/Bilingual"},
        "value": {"type": "number"},
        "unit": {"$ref": "#/components/schemas/Bilingual"},
        "comparator": {"type": "string", "enum": ["exact", "at_least"]},
        "source_phrase": {"type": "string"},
        "progress": {"type": ["number", "null"], "description": "Current value; null until reported"},
        "progress_source": {"type": ["string", "null"], "enum": ["reported", "sites", None],
                            "description": "reported: typed in by staff; sites: counted from the project sites"},
    },
}

SITE = {
    "type": "object",
    "required": ["id", "name", "target", "place", "building", "stage", "history", "url"],
    "properties": {
        "id": {"type": "integer"},
        "name": {"$ref": "#/components/schemas/Bilingual"},
        "target": {"type": ["string", "null"], "description": "Key of the target the project counts towards"},
        "place": {"oneOf": [{"type": "null"}, {
            "type": "object", "required": ["slug", "zh", "en"],
            "properties": {"slug": {"type": "string"}, "zh": {"type": "string"}, "en": {"type": "string"}}}]},
        "building": {"type": ["string", "null"]},
        "stage": {"type": "object", "required": ["code", "label"], "properties": {
            "code": {"type": "string", "enum": ["consultation", "construction", "completed"]},
            "label": {"$ref": "#/components/schemas/Bilingual"}}},
        "history": {"type": "array", "items": {
            "type": "object", "required": ["stage", "note", "happened_on", "published_at"],
            "properties": {"stage": {"type": "string", "enum": ["consultation", "construction", "completed"]},
                           "note": {"$ref": "#/components/schemas/Bilingual"},
                           "happened_on": {"type": "string", "format": "date"},
                           "published_at": {"type": "string", "format": "date-time"}}}},
        "url": {"$ref": "#/components/schemas/Bilingual"},
    },
}

ERROR = {
    "type": "object", "required": ["error"],
    "properties": {"error": {"type": "object", "required": ["code", "message"],
                             "properties": {"code": {"type": "integer"}, "message": {"type": "string"}}}},
}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


NOT_FOUND = _json({"$ref": "#/components/schemas/Error"}, "Not found")

# Other blueprints (search, feeds) add their paths here when they register.
EXTRA_PATHS: dict[str, dict] = {}
EXTRA_SCHEMAS: dict[str, dict] = {}


def openapi_document() -> dict:
    paths = {
        "/api/v1/items": {"get": {
            "summary": "The current plan's (the 2023 plan's) 30 work points with status, targets, places and history",
            "operationId": "listItems",
            "responses": {"200": _json({"type": "object", "required": ["items"], "properties": {
                "items": {"type": "array", "items": {"$ref": "#/components/schemas/Item"}}}}, "The work points")},
        }},
        "/api/v1/items/{code}": {"get": {
            "summary": "One work point of the current plan (the 2023 plan) with its status, progress per target, history and project sites",
            "operationId": "getItem",
            "parameters": [{"name": "code", "in": "path", "required": True,
                            "schema": {"type": "string"}, "example": "2.3"}],
            "responses": {"200": _json({"$ref": "#/components/schemas/Item"}, "The work point"), "404": NOT_FOUND},
        }},
        "/api/v1/items.csv": {"get": {
            "summary": "The current plan's (the 2023 plan's) work points with their status and latest update, as CSV (UTF-8 with BOM)",
            "operationId": "itemsCsv",
            "responses": {"200": {"description": "One row per work point; a header row names the columns",
                                  "content": {"text/csv": {"schema": {"type": "string"}}}}},
        }},
        "/feed.atom": {"get": {
            "summary": "Moved permanently (301) to /plans/{slug}/feed.atom of the current plan",
            "operationId": "feed",
            "responses": {"301": {"description": "The current plan's feed"}},
        }},
        "/{lang}/feed.atom": {"get": {
            "summary": "Moved permanently (301) to /{lang}/plans/{slug}/feed.atom of the current plan",
            "operationId": "feedInLanguage",
            "parameters": [{"name": "lang", "in": "path", "required": True,
                            "schema": {"type": "string", "enum": ["zh", "en"]}}],
            "responses": {"301": {"description": "The current plan's feed in this language"},
                          "404": {"description": "Unknown language"}},
        }},
        "/api/v1/openapi.json": {"get": {
            "summary": "This document", "operationId": "openapi",
            "responses": {"200": {"description": "OpenAPI document"}},
        }},
        **EXTRA_PATHS,
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Zhangjiang 2023 work points open data",
            "version": "1.0.0",
            "description": "The work points of notice 浦张府〔2023〕45号, their status and progress. "
                           "Texts come in Chinese (zh) and English (en).",
            "license": {"name": "Public information", "identifier": "CC0-1.0"},
        },
        "paths": paths,
        "components": {"schemas": {
            "Bilingual": BILINGUAL, "Status": STATUS, "Item": ITEM, "Update": UPDATE, "Target": TARGET,
            "Site": SITE, "Error": ERROR, **EXTRA_SCHEMAS,
        }},
    }
