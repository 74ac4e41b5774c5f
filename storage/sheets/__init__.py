"""Reading and validating fact sheets.

A sheet is a folder holding ``article.txt`` (the article as published) and ``facts.toml``
(what an editor curated from it). ``read_sheet`` returns either a validated ``Sheet`` or every
problem found, never a partial sheet: a sheet with any error is refused as a whole.

files (the folder on disk: its files, stamps and hashes) -> read (parse, then check) -> checker
(identifiers, field values, the line each field is on) -> build (the sheet against the schema,
the article and itself) -> quoting (quotation marks and verbatim excerpts); problems (what a
refusal says).
"""

from storage.sheets.files import (
    FACTS_FILE,
    TEXT_FILE,
    article_folder_names,
    content_hash,
    discover,
    file_stamp,
    write_atomically,
)
from storage.sheets.problems import Problem, SheetError, suggest
from storage.sheets.quoting import quote_spans, quoted_passages
from storage.sheets.read import (
    duplicate_slugs,
    parse_toml,
    read_sheet,
    read_sheets,
    review_state,
    toml_problem,
)

__all__ = ["FACTS_FILE", "TEXT_FILE", "Problem", "SheetError", "article_folder_names",
           "content_hash", "discover", "duplicate_slugs", "file_stamp", "parse_toml",
           "quote_spans", "quoted_passages", "read_sheet", "read_sheets", "review_state",
           "suggest", "toml_problem", "write_atomically"]
