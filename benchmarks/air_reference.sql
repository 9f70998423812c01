-- Air travel by hand: the rules of factors/METHODOLOGY.md section 3 written once as plain
-- DuckDB SQL over the travel agency's CSV files (docs/dialects.md D4, CSV variant), without
-- the project's models. benchmarks/air_reference.py runs it. It sets two variables first:
--   air_files  a glob of the agency files, <landing>/<org>/travel/*.csv
--   factors    the factors/ folder
-- and loads reference.airports (the airportsdata coordinates and countries).
-- Results: air_segments (one row per counted segment) and air_totals (per org and year).

-- Every cell as text, casts below are explicit (dialects.md 0.2).
create or replace temp table air_rows as
select
    regexp_extract(filename, '([^/]+)/travel/[^/]+$', 1) as org_code,
    filename as file,
    upper(trim("Transaction Type")) as transaction_type,
    -- 13 digits: dashes and spaces removed, leading zeros restored (section 3.7)
    case
        when regexp_full_match(regexp_replace("Ticket Number", '[- ]', '', 'g'), '[0-9]{6,13}')
            then lpad(regexp_replace("Ticket Number", '[- ]', '', 'g'), 13, '0')
    end as ticket,
    nullif(trim("Record Locator"), '') as record_locator,
    try_cast(trim("Segment No") as integer) as segment_no,
    coalesce(
        try_strptime(trim("Issue Date"), '%d-%b-%Y')::date, try_cast(trim("Issue Date") as date)
    ) as issue_date,
    coalesce(
        try_strptime(trim("Departure Date"), '%d-%b-%Y')::date,
        try_cast(trim("Departure Date") as date)
    ) as departure_date,
    nullif(upper(trim("Origin Airport")), '') as origin,
    nullif(upper(trim("Destination Airport")), '') as destination,
    nullif(upper(trim("Cabin")), '') as cabin_text,
    nullif(upper(trim("Booking Class")), '') as booking_class
from read_csv(
    getvariable('air_files'),
    all_varchar = true,
    header = true,
    delim = ';',
    quote = '"',
    filename = true
);

-- A coupon delivered again counts once, from its latest file (section 1): the key is the
-- ticket, coupon and transaction type, plus route and date too when ticket or coupon is missing.
-- Files are ordered by name here (the pipeline orders by first seen), which is the
-- delivery order of the bench's monthly files.
create or replace temp table air_latest as
select *
from air_rows
qualify file = max(file) over (
    partition by
        org_code,
        coalesce(ticket, record_locator),
        segment_no,
        transaction_type,
        case
            when ticket is null or segment_no is null
                then concat_ws('|', origin, destination, departure_date)
        end
);

-- Netting (section 3.7): SALE and EXCHANGE rows are flown segments unless a REFUND or VOID
-- of the same ticket names their coupon, or names none and was issued on or before their
-- departure. A segment is cancelled at most once (no ticket below zero). SALE or EXCHANGE
-- without a ticket number counts, a REFUND or VOID without one cancels nothing.
create or replace temp table air_flown as
with cancels as (
    select org_code, ticket, segment_no, issue_date
    from air_latest
    where transaction_type in ('REFUND', 'VOID') and ticket is not null
)
select s.*
from air_latest as s
where
    s.transaction_type in ('SALE', 'EXCHANGE')
    and not exists (
        select 1
        from cancels as c
        where
            c.org_code = s.org_code
            and c.ticket = s.ticket
            and (
                c.segment_no = s.segment_no
                or (c.segment_no is null and s.departure_date >= c.issue_date)
            )
    );

-- Airports (section 3.6): an IATA code as it is, else a city code or name through
-- city_airports.csv (data quality 3). Anything else stays unresolved.
create or replace temp table air_places as
select iata as place, iata, country, radians(lat) as lat, radians(lon) as lon, 2 as quality
from reference.airports
union all
select upper(trim(c.code_or_name)), a.iata, a.country, radians(a.lat), radians(a.lon), 3
from
    read_csv(
        getvariable('factors') || '/city_airports.csv', all_varchar = true, header = true
    ) as c
inner join reference.airports as a on a.iata = upper(trim(c.airport_iata))
where upper(trim(c.code_or_name)) not in (select iata from reference.airports);

-- The edition in use: the newest of factor_sets.csv (section 2).
create or replace temp table air_factors as
with edition as (
    select factor_set
    from read_csv(getvariable('factors') || '/factor_sets.csv', all_varchar = true, header = true)
    order by cast(published_on as date) desc
    limit 1
)
select
    f.factor_key,
    f.factor_version,
    cast(f.kg_co2e_per_unit as double) as kg_co2e_per_unit,
    cast(f.valid_from as date) as valid_from,
    cast(nullif(f.valid_to, '') as date) as valid_to
from
    read_csv(
        getvariable('factors') || '/emission_factors/*.csv',
        all_varchar = true,
        header = true,
        union_by_name = true
    ) as f
inner join edition as e on f.factor_version = e.factor_set
where f.activity_type = 'air' and f.unit = 'passenger.km';

-- Distance (3.1, haversine, R = 6371.0 km, no uplift 3.2), band (3.3), cabin (3.4), kg (3.5).
create or replace temp table air_segments as
with legs as (
    select
        s.org_code,
        year(s.departure_date) as reporting_year,
        s.departure_date,
        s.origin,
        s.destination,
        o.iata as origin_iata,
        d.iata as destination_iata,
        o.country as origin_country,
        d.country as destination_country,
        2 * 6371.0 * asin(sqrt(
            pow(sin((d.lat - o.lat) / 2), 2)
            + cos(o.lat) * cos(d.lat) * pow(sin((d.lon - o.lon) / 2), 2)
        )) as distance_km,
        coalesce(ca.cabin, bc.cabin, 'average') as cabin,
        greatest(o.quality, d.quality, case when ca.cabin is null and bc.cabin is null then 3 else 2 end)
            as data_quality
    from air_flown as s
    left join air_places as o on o.place = s.origin
    left join air_places as d on d.place = s.destination
    left join
        read_csv(getvariable('factors') || '/cabin_aliases.csv', all_varchar = true, header = true)
            as ca
        on upper(trim(ca.alias)) = s.cabin_text
    left join
        read_csv(
            getvariable('factors') || '/booking_class_cabins.csv', all_varchar = true, header = true
        ) as bc
        on upper(trim(bc.booking_class)) = s.booking_class
),

banded as (
    select
        *,
        case
            when origin_country = 'GB' and destination_country = 'GB' then 'domestic_uk'
            when (origin_country = 'GB') != (destination_country = 'GB')
                then case when distance_km < 3700 then 'short_haul_uk' else 'long_haul_uk' end
            else 'international_non_uk'
        end as haul_band
    from legs
    where origin_iata is not null and destination_iata is not null
)

select
    b.*,
    fc.factor_cabin,
    f.factor_key,
    f.factor_version,
    b.distance_km * f.kg_co2e_per_unit as kg_co2e
from banded as b
inner join
    read_csv(
        getvariable('factors') || '/air_factor_cabins.csv', all_varchar = true, header = true
    ) as fc
    on fc.haul_band = b.haul_band and fc.cabin = b.cabin
inner join air_factors as f
    on
        f.factor_key = 'air.' || b.haul_band || '.' || fc.factor_cabin || '.without_rf'
        and b.departure_date >= f.valid_from
        and (f.valid_to is null or b.departure_date <= f.valid_to);

create or replace temp table air_totals as
select org_code, reporting_year, count(*) as segments, sum(kg_co2e) as kg_co2e
from air_segments
group by all
order by all;
