"""The two kinds of data that are free-form by design, named once.

- `Context`: a render context, the variables a template may name. The templates (and
  the certificate layout) are files users edit: which keys they read is theirs to
  choose, so a context is a mapping of names to values, built by documents/ (and app/
  for the certificate) and handed to render/.
- `JSONObject`: a JSON (or TOML, YAML) object as a file or the tracker holds it, before
  it is validated (pydantic models, the tracker's shape check) into a typed value.

Everything else that crosses a layer has a type of its own (docgen/records.py for the
tracker's records, TypedDicts and dataclasses for the results of app/).
"""

from __future__ import annotations

from typing import Any

Context = dict[str, Any]
JSONObject = dict[str, Any]
