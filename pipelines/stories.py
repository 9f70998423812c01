"""Success stories (landing/_system/stories/*.yaml) into `ops.success_stories`."""

from pathlib import Path

import duckdb
import polars as pl

from connectors import stories as stories_module
from pipelines.database import replace_table


def load_success_stories(
    con: duckdb.DuckDBPyConnection, folder: Path, organizations: set[str]
) -> dict:
    """Every `*.yaml` story in `folder` into ops.success_stories, replaced each run.

    One row per file: `loaded` with its fields, or `rejected` with every problem found, so a
    focal point sees why a story is missing from the report.
    """
    paths = sorted(p for p in folder.glob("*.y*ml") if p.is_file() and not p.is_symlink())
    stories = [stories_module.read_story(p.read_bytes(), p.name, organizations) for p in paths]
    stories_module.duplicate_ids(stories)
    frame = pl.DataFrame(
        [
            {
                "file": story.file,
                "status": "loaded" if story.valid else "rejected",
                "message": "; ".join(story.problems) or None,
                "story_id": story.fields.get("id"),
                "title": story.fields.get("title"),
                "year": story.fields.get("year"),
                "organizations": story.fields.get("organizations"),
                "unspsc_families": story.fields.get("unspsc_families"),
                "summary": story.fields.get("summary"),
                "outcome": story.fields.get("outcome"),
                "ecolabels": story.fields.get("ecolabels"),
                "spend_usd": story.fields.get("spend_usd"),
                "t_co2e_avoided_per_year": story.fields.get("t_co2e_avoided_per_year"),
                "references": story.fields.get("references"),
            }
            for story in stories
        ],
        schema={
            "file": pl.String,
            "status": pl.String,
            "message": pl.String,
            "story_id": pl.String,
            "title": pl.String,
            "year": pl.Int32,
            "organizations": pl.List(pl.String),
            "unspsc_families": pl.List(pl.String),
            "summary": pl.String,
            "outcome": pl.String,
            "ecolabels": pl.List(pl.String),
            "spend_usd": pl.Float64,
            "t_co2e_avoided_per_year": pl.Float64,
            "references": pl.List(pl.String),
        },
    )
    replace_table(con, "ops.success_stories", frame)
    loaded = sum(story.valid for story in stories)
    return {"stories": len(stories), "loaded": loaded, "rejected": len(stories) - loaded}
