"""The organization registry (docs/contract.md section 1): YAML 1.2 values, one entry validated on
its own,
aliases limited, and the files of an organization held by its entry waiting in the manifest.

Each case writes a real `organizations.yaml` and reads it with `load_registry`, as the run
does; the manifest cases plan a real landing folder into a DuckDB file.
"""

import time
import tracemalloc
from pathlib import Path

import duckdb
import pytest

from connectors import dialects, organizations
from connectors.landing import scan
from connectors.organizations import MAX_BYTES, RegistryError, iso_countries, load_registry
from pipelines import database, manifest, org_registry, raw_load
from tests.builders.landing import UNEP_ENTRY
from tests.builders.refrigerant_log import refrigerant_csv

UNEP = UNEP_ENTRY


def registry(tmp_path: Path, *entries: str) -> Path:
    path = tmp_path / "organizations.yaml"
    path.write_text("organizations:\n" + "".join(entries), encoding="utf-8")
    return path


def entry(org: str, **fields: str) -> str:
    """A valid entry for `org`, with `fields` replaced by the YAML text given."""
    values = {
        "code": org,
        "name": f"Organization {org}",
        "country": "CH",
        "currency": "CHF",
        "headcount": "{2024: 100}",
        **fields,
    }
    lines = [f"{k}: {v}" for k, v in values.items() if v is not None]
    return "  - " + "\n    ".join(lines) + "\n"


# --- the defects of issue 14, item 1 --------------------------------------------------------


def test_a_percent_sign_in_reduction_pct_holds_that_entry_alone(tmp_path):
    path = registry(
        tmp_path,
        UNEP.replace("reduction_pct: 45", 'reduction_pct: "45%"'),
        entry("UNDP"),
    )

    orgs = load_registry(path)  # never raises for one entry

    assert list(orgs.organizations) == ["UNDP"]
    message = orgs.invalid["UNEP"]
    assert "targets[0].reduction_pct" in message, "names the key"
    assert "'45%'" in message, "names the value"
    assert "is not a number" in message
    assert "line 2" in message, "says where the entry is"


def test_country_no_stays_norway_and_other_yaml_1_1_booleans_stay_text(tmp_path):
    path = registry(
        tmp_path,
        entry("NORAD", name="ON", country="NO", currency="NOK"),
        entry("YES", name="yes", country="no"),
    )

    orgs = load_registry(path)

    norad = orgs.organizations["NORAD"]
    assert (norad.name, norad.country) == ("ON", "NO")
    assert isinstance(norad.country, str)
    # `no` is text too, and not an upper-case ISO code: that entry is invalid, not "False".
    assert "country: 'no' is not an ISO 3166-1 alpha-2" in orgs.invalid["YES"]


def test_a_list_as_a_name_makes_the_entry_invalid(tmp_path):
    path = registry(tmp_path, entry("UNEP", name="[United Nations, Environment]"), entry("UNDP"))

    orgs = load_registry(path)

    assert "UNEP" not in orgs.organizations and "UNDP" in orgs.organizations
    assert "name: ['United Nations', 'Environment'] is not text" in orgs.invalid["UNEP"]


BOMB = """\
organizations:
  - code: UNEP
    name: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
    country: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
    currency: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
    headcount: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
    baseline_year: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
    targets: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
    erp_ids: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
    closed_years: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
    code: [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def test_an_alias_bomb_is_refused_quickly_with_bounded_memory(tmp_path):
    path = tmp_path / "organizations.yaml"
    path.write_text(BOMB, encoding="utf-8")
    assert len(BOMB.encode()) < 500  # 9^10 values once expanded

    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(RegistryError, match=r"aliases \(\*name\) would expand to more than"):
            load_registry(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert time.perf_counter() - started < 2
    assert peak < 16 * 1024**2, f"{peak:,} bytes: the aliases were expanded"


def test_an_alias_that_contains_itself_is_refused(tmp_path):
    path = registry(tmp_path, "  - &me {code: UNEP, name: *me}\n")

    with pytest.raises(RegistryError, match="cycle"):
        load_registry(path)


def test_aliases_within_the_limit_are_read(tmp_path):
    path = registry(
        tmp_path,
        entry("UNEP", headcount="&staff {2024: 100}", country="&ke KE"),
        entry("UNON", headcount="*staff", country="*ke"),
        "  - <<: &base {country: CH, currency: CHF, headcount: {2024: 5}}\n"
        "    code: WMO\n    name: World Meteorological Organization\n",
    )

    orgs = load_registry(path)

    assert not orgs.invalid
    assert orgs.organizations["UNON"].headcount == {2024: 100}
    assert orgs.organizations["UNON"].country == "KE"
    assert orgs.organizations["WMO"].currency == "CHF"


# --- the registry shape of docs/contract.md section 1.2
# ---------------------------------------------------------------------------


def test_an_unknown_key_makes_the_entry_invalid(tmp_path):
    path = registry(tmp_path, entry("UNHCR", headcont="{2024: 18000}", headcount=None))

    message = load_registry(path).invalid["UNHCR"]

    assert "unknown key 'headcont'" in message
    assert "missing 'headcount'" in message


def test_an_unknown_key_inside_a_target_or_erp_ids_is_an_error_too(tmp_path):
    path = registry(
        tmp_path,
        entry(
            "UNEP",
            baseline_year="2019",
            targets="[{scope: all, year: 2030, reduction_pct: 45, note: x}]",
            erp_ids="{sap_company_code: ['7000']}",
        ),
    )

    message = load_registry(path).invalid["UNEP"]

    assert "targets[0]: unknown key 'note'" in message
    assert "erp_ids: unknown key 'sap_company_code'" in message


def test_erp_ids_and_closed_years_are_read_and_codes_keep_how_they_were_written(tmp_path):
    path = registry(
        tmp_path,
        entry(
            "UNEP",
            erp_ids="{sap_company_codes: [7000, 0700, '1000'], agency_client_ids: [UNEP-NBO]}",
            closed_years="[2023, 2024]",
        ),
        entry("UNDP"),
    )

    orgs = load_registry(path)

    assert not orgs.invalid
    unep = orgs.organizations["UNEP"]
    assert unep.erp_ids.sap_company_codes == ["7000", "0700", "1000"]
    assert unep.erp_ids.agency_client_ids == ["UNEP-NBO"]
    assert unep.closed_years == [2023, 2024]
    assert orgs.organizations["UNDP"].erp_ids.sap_company_codes == []
    assert orgs.organizations["UNDP"].closed_years == []


def test_yaml_1_2_values_stay_as_written_where_text_is_expected(tmp_path):
    path = registry(
        tmp_path,
        entry("UNEP", name="1e3", headcount="{2023: 0700, 2024: 0x10}"),
        entry("UNDP", name="12:30"),
        entry("WFP", name="2024-01-01"),
    )

    orgs = load_registry(path)

    assert orgs.organizations["UNEP"].name == "1e3"
    # YAML 1.2: 0700 is decimal (not octal 448), 0x10 hexadecimal.
    assert orgs.organizations["UNEP"].headcount == {2023: 700, 2024: 16}
    assert orgs.organizations["UNDP"].name == "12:30", "no sexagesimal numbers"
    assert orgs.organizations["WFP"].name == "2024-01-01", "no timestamps"


def test_targets_need_a_baseline_year(tmp_path):
    path = registry(
        tmp_path, entry("WFP", targets="[{scope: 3, year: 2030, reduction_pct: 30}]"), UNEP
    )

    orgs = load_registry(path)

    assert "targets need a baseline_year" in orgs.invalid["WFP"]
    target = orgs.organizations["UNEP"].targets[0]
    assert (target.scope, target.year, target.reduction_pct) == ("all", 2030, 45.0)


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"code": "unep"}, "code: 'unep' is not upper-case letters"),
        ({"code": "UN_HABITAT"}, "code: 'UN_HABITAT' is not upper-case letters"),
        ({"country": "XX"}, "country: 'XX' is not an ISO 3166-1 alpha-2"),
        ({"country": "Kenya"}, "country: 'Kenya' is not an ISO 3166-1 alpha-2"),
        ({"currency": "ABC"}, "currency: 'ABC' is not an ISO 4217"),
        ({"headcount": "{2024: 0}"}, "headcount[2024]: 0 should be greater than 0"),
        ({"headcount": "{2024: -5}"}, "headcount[2024]: -5 should be greater than 0"),
        ({"headcount": "{2024: 12.5}"}, "headcount[2024]: 12.5 is not a whole number"),
        ({"headcount": "{2024: true}"}, "headcount[2024]: True is not a whole number"),
        ({"headcount": "{2024: '100'}"}, "headcount[2024]: '100' is not a whole number"),
        ({"headcount": "{2024: 1e30}"}, "headcount[2024]: 1e30 is not a whole number"),
        ({"headcount": "{2024: 99999999999999999999}"}, "should be less than or equal to"),
        ({"headcount": "{'2024': 100}"}, "headcount['2024'] (key): '2024' is not a whole"),
        ({"headcount": "{1066: 100}"}, "headcount[1066] (key): 1066 should be greater than"),
        ({"headcount": "[100]"}, "headcount: [100] is not a mapping"),
        ({"headcount": "''"}, "headcount: '' is not a mapping"),
        ({"name": "''"}, "name: '' is empty"),
        ({"name": "'  '"}, "name: '  ' is empty"),
        ({"name": '"UNEP\\nNairobi"'}, "name: 'UNEP\\nNairobi' is not one line of text"),
        ({"name": "x" * 301}, "is longer than 300 characters"),
        ({"baseline_year": "'2019'"}, "baseline_year: '2019' is not a whole number"),
        ({"closed_years": "[2024, soon]"}, "closed_years[1]: 'soon' is not a whole number"),
        ({"erp_ids": "{sap_company_codes: [70000]}"}, "70000 is not an SAP company code"),
        ({"erp_ids": "[7000]"}, "erp_ids: [7000] is not a mapping"),
        ({"name": "!!python/object:os.system x"}, "could not determine a constructor"),
    ],
)
def test_each_bad_value_is_named_with_its_key(tmp_path, fields, words):
    path = registry(tmp_path, entry("UNEP", **fields), entry("UNDP"))

    orgs = load_registry(path)

    assert "UNDP" in orgs.organizations, "the other entry is read"
    assert len(orgs.invalid) == 1
    assert words in next(iter(orgs.invalid.values()))


@pytest.mark.parametrize(
    ("target", "words"),
    [
        ("{scope: all, year: 2030, reduction_pct: '45%'}", "reduction_pct: '45%' is not a num"),
        ("{scope: all, year: 2030, reduction_pct: 145}", "less than or equal to 100"),
        ("{scope: all, year: 2030, reduction_pct: .nan}", "reduction_pct: .nan"),
        ("{scope: all, year: 2030}", "missing 'targets[0].reduction_pct'"),
        ("{scope: flights, year: 2030, reduction_pct: 45}", "scope: 'flights' is not one of"),
        ("{scope: all, year: 2010, reduction_pct: 45}", "year 2010 is not after baseline_year"),
        ("[all, 2030, 45]", "targets[0]: ['all', 2030, 45] is not a mapping"),
    ],
)
def test_each_bad_target_is_named(tmp_path, target, words):
    path = registry(tmp_path, entry("UNEP", baseline_year="2019", targets=f"[{target}]"))

    assert words in load_registry(path).invalid["UNEP"]


def test_a_target_scope_written_as_a_number_is_read_as_that_scope(tmp_path):
    targets = "[{scope: 1, year: 2030, reduction_pct: 50}, {scope: travel, year: 2027, reduction_pct: 20.5}]"  # noqa: E501
    path = registry(tmp_path, entry("UNEP", baseline_year="2019", targets=targets))

    targets = load_registry(path).organizations["UNEP"].targets

    assert [(t.scope, t.year, t.reduction_pct) for t in targets] == [
        ("1", 2030, 50.0),
        ("travel", 2027, 20.5),
    ]


def test_a_code_listed_twice_holds_it_with_both_lines(tmp_path):
    path = registry(tmp_path, entry("UNEP"), entry("UNDP"), entry("UNEP", name="Again"))

    orgs = load_registry(path)

    assert list(orgs.organizations) == ["UNDP"]
    assert "is listed twice (lines 2 and 12)" in orgs.invalid["UNEP"]


def test_a_key_written_twice_in_an_entry_is_an_error(tmp_path):
    path = registry(tmp_path, entry("UNEP") + "    name: Written twice\n")

    assert "key 'name' is written twice" in load_registry(path).invalid["UNEP"]


def test_an_entry_without_a_usable_code_is_named_by_its_position(tmp_path):
    path = registry(tmp_path, entry("UNDP"), "  - just a line of text\n", entry("[A, B]"))

    invalid = load_registry(path).invalid

    assert invalid["entry 2"].startswith("registry entry 2 (line 7): is not a mapping")
    assert "code: ['A', 'B'] is not text" in invalid["entry 3"]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("organizations:\n  - code: UNEP\n    name: [unclosed\n", "cannot be read"),
        ("", "exactly one key, 'organizations'"),
        ("- code: UNEP\n", "exactly one key, 'organizations'"),
        ("organizations: {code: UNEP}\n", "exactly one key, 'organizations'"),
        ("organisations: []\n", "exactly one key, 'organizations'"),
        ("organizations: []\nextra: 1\n", "exactly one key, 'organizations'"),
        ("organizations: []\n---\norganizations: []\n", "cannot be read"),
        ("organizations: " + "[" * 50_000 + "]" * 50_000 + "\n", "cannot be read"),
    ],
)
def test_a_registry_that_cannot_be_read_as_a_whole_raises(tmp_path, text, words):
    path = tmp_path / "organizations.yaml"
    path.write_text(text, encoding="utf-8")

    with pytest.raises(RegistryError, match=words):
        load_registry(path)


def test_a_registry_not_in_utf8_or_too_large_raises(tmp_path):
    path = tmp_path / "organizations.yaml"
    path.write_bytes(b"organizations:\n  - code: \xff\n")
    with pytest.raises(RegistryError, match="cannot be read"):
        load_registry(path)
    path.write_bytes(b"organizations: []\n" + b"#" * MAX_BYTES)
    with pytest.raises(RegistryError, match="at most"):
        load_registry(path)


def test_target_scopes_name_every_landing_domain():
    assert set(organizations.DOMAINS) == set(dialects.DOMAINS)
    assert set(organizations.TARGET_SCOPES) == {"all", "1", "2", "3", *dialects.DOMAINS}


def test_the_country_list_is_iso_3166_1():
    countries = iso_countries()

    assert len(countries) == 249, "the codes ISO 3166-1 assigns"
    assert {"KE", "NO", "CH", "US", "SS"} <= countries
    assert not {"UN", "EU", "XK", "ZZ"} & countries


# --- an invalid entry holds its organization: its files wait ---------------------------------


def plan(landing: Path, db: Path, run_id: str) -> dict[str, tuple]:
    """Scan and plan the landing folder as the `landing` step does; the manifest by path."""
    path = landing / "organizations.yaml"
    orgs = load_registry(path)
    with database.session(db) as con:
        database.ensure_schema(con)
        org_registry.load_organizations(con, orgs)
        manifest.plan(con, scan(landing, path, orgs), run_id, log=lambda _: None)
        rows = con.execute(
            "select relative_path, status, message from ops.file_manifest "
            "where status <> 'superseded' order by all"
        ).fetchall()
    return {r[0]: r[1:] for r in rows}


def test_a_held_organizations_new_file_waits_then_is_planned_once_the_entry_is_fixed(tmp_path):
    landing = tmp_path / "landing"
    csv = landing / "UNEP" / "refrigerants" / "log.csv"
    csv.parent.mkdir(parents=True)
    csv.write_bytes(b"not an export\r\n")
    other = landing / "UNDP" / "refrigerants" / "log.csv"
    other.parent.mkdir(parents=True)
    other.write_bytes(b"not an export either\r\n")
    registry(landing, UNEP.replace("reduction_pct: 45", "reduction_pct: 45%"), entry("UNDP"))
    db = tmp_path / "work.duckdb"

    first = plan(landing, db, "first")
    status, message = first["UNEP/refrigerants/log.csv"]
    assert status == "waiting"
    assert "registry entry UNEP (line 2): targets[0].reduction_pct: '45%'" in message
    assert first["UNDP/refrigerants/log.csv"][0] == "rejected", "the other goes on"

    assert plan(landing, db, "second")["UNEP/refrigerants/log.csv"][0] == "waiting"

    registry(landing, UNEP, entry("UNDP"))
    fixed = plan(landing, db, "fixed")
    status, message = fixed["UNEP/refrigerants/log.csv"]
    assert status == "rejected" and "registry" not in message, "read (and found no dialect)"


def test_a_held_organization_keeps_its_last_valid_registry_rows(tmp_path):
    db = tmp_path / "work.duckdb"
    good = registry(tmp_path, UNEP, entry("UNDP"))
    with database.session(db) as con:
        database.ensure_schema(con)
        org_registry.load_organizations(con, load_registry(good))
        before = con.execute("select * from ops.organizations order by all").fetchall()
        registry(tmp_path, UNEP.replace("country: KE", "country: [KE]"), entry("UNDP"))
        meta = org_registry.load_organizations(con, load_registry(good))
        after = con.execute("select * from ops.organizations order by all").fetchall()
        targets = con.execute("select org_code, scope from ops.org_targets").fetchall()
        headcount = con.execute("select count(*) from ops.org_headcount").fetchall()

    assert after == before
    assert meta == {"organizations": 2, "invalid": 1, "kept": 1}
    assert targets == [("UNEP", "all")]
    assert headcount == [(3,)]


def test_files_refused_by_an_older_release_for_the_registry_are_read_once_it_is_valid(tmp_path):
    landing = tmp_path / "landing"
    held = landing / "UNEP" / "refrigerants" / "log.csv"
    held.parent.mkdir(parents=True)
    held.write_bytes(b"not an export\r\n")
    registry(landing, UNEP)
    db = tmp_path / "work.duckdb"
    plan(landing, db, "first")
    con = duckdb.connect(str(db))
    con.execute(  # what releases before held organizations recorded
        "update ops.file_manifest set status = 'rejected', "
        "message = 'registry entry UNEP: unknown key ''headcont'''"
    )
    con.close()

    manifest = plan(landing, db, "second")

    status, message = manifest["UNEP/refrigerants/log.csv"]
    assert status == "rejected" and "registry" not in message, "planned again, and read"


def test_a_file_of_an_unknown_organization_is_read_once_the_organization_is_registered(tmp_path):
    landing = tmp_path / "landing"
    early = landing / "UNEP" / "refrigerants" / "log.csv"
    early.parent.mkdir(parents=True)
    early.write_bytes(b"not an export\r\n")
    registry(landing, entry("UNDP"))
    db = tmp_path / "work.duckdb"

    status, message = plan(landing, db, "first")["UNEP/refrigerants/log.csv"]
    assert status == "rejected" and "unknown organization 'UNEP'" in message
    assert plan(landing, db, "again")["UNEP/refrigerants/log.csv"] == (status, message)

    registry(landing, entry("UNDP"), UNEP)
    status, message = plan(landing, db, "registered")["UNEP/refrigerants/log.csv"]
    assert "unknown organization" not in message


def test_a_held_organizations_corrected_file_waits_and_its_loaded_version_stays(tmp_path):
    landing = tmp_path / "landing"
    log = landing / "UNEP" / "refrigerants" / "log.csv"
    log.parent.mkdir(parents=True)
    log.write_bytes(refrigerant_csv([{}]))
    registry(landing, UNEP)
    db = tmp_path / "work.duckdb"
    plan(landing, db, "first")
    with database.session(db) as con:
        raw_load.load_pending(con, landing, "refrigerant_log_csv", b"k", "first", print)

    log.write_bytes(refrigerant_csv([{}, {"Equipment ID": "AC-002"}]))  # a corrected version
    registry(landing, UNEP.replace("currency: USD", "currency: usd"))
    held = plan(landing, db, "held")
    with database.session(db) as con:
        statuses = con.execute(
            "select status, rows_loaded from ops.file_manifest where relative_path = ? "
            "order by first_seen_at",
            ["UNEP/refrigerants/log.csv"],
        ).fetchall()
    assert statuses == [("loaded", 1), ("waiting", None)], "the loaded version stays"
    assert "currency: 'usd' is not an ISO 4217" in held["UNEP/refrigerants/log.csv"][1]

    registry(landing, UNEP)
    plan(landing, db, "fixed")
    with database.session(db) as con:
        raw_load.load_pending(con, landing, "refrigerant_log_csv", b"k", "fixed", print)
        statuses = con.execute(
            "select status, rows_loaded from ops.file_manifest where relative_path = ? "
            "order by first_seen_at",
            ["UNEP/refrigerants/log.csv"],
        ).fetchall()
    assert statuses == [("superseded", 1), ("loaded", 2)], "the correction replaces it"
