"""The /api/v1/search path for the OpenAPI document."""

_PARAM = lambda name, desc, **schema: {"name": name, "in": "query", "required": False,  # noqa: E731
                                       "description": desc, "schema": {"type": "string", **schema}}

SEARCH_PATH = {"get": {
    "summary": "Full-text search over the work points of every plan (Chinese with word segmentation, and English)",
    "operationId": "search",
    "parameters": [
        {"name": "q", "in": "query", "required": False, "description": "What to look for, up to 200 characters",
         "schema": {"type": "string", "maxLength": 200}},
        _PARAM("lang", "Language of titles, snippets and URLs", enum=["zh", "en"]),
        _PARAM("plan", "Plan slug (see /api/v1/plans); default: every plan"),
        _PARAM("area", "Action area number 1-8"),
        _PARAM("office", "Office slug"),
        _PARAM("month", "Deadline month, YYYY-MM"),
        _PARAM("status", "Status code"),
        _PARAM("place", "Place slug"),
        _PARAM("more", "1 also lists the weak hits left out by default (those under 30% of the best score)",
               enum=["1"]),
    ],
    "responses": {
        "200": {"description": "Results, best first", "content": {"application/json": {"schema": {
            "type": "object", "required": ["query", "total", "results"],
            "properties": {
                "query": {"type": "string"},
                "total": {"type": "integer", "description": "All hits, including those left out"},
                "near": {"type": "boolean",
                         "description": "Nothing matched the words; these share characters with the query"},
                "more": {"type": "integer", "description": "Weaker hits left out; ask again with more=1"},
                "results": {"type": "array", "items": {
                    "type": "object", "required": ["code", "title", "snippet", "url", "score"],
                    "properties": {"code": {"type": "string"}, "plan": {"type": "string"}, "year": {"type": "integer"},
                                   "title": {"type": "string"},
                                   "snippet": {"type": "string"}, "url": {"type": "string"},
                                   "score": {"type": "number"}}}},
            }}}}},
        "400": {"description": "The query cannot be searched",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
    },
}}
