{#
    The hotel factor of every country (factors/METHODOLOGY.md, Other travel, Hotel), in this order:
    1. the country's own row of the factor set, `hotel.<ISO country>` (data quality 2);
    2. else the average of its GeoNames continent, `hotel.region.<continent>` (3);
    3. else the global average, `hotel.global` (4).
    The region and global rows are factor rows of the set itself, derived from its country
    rows when the factor library loads (pipelines/factor_library.py; factors/README.md), so every
    kg names a factor row and version that exist. London (`hotel.GB-LND`) is chosen by the
    activity models, before this table.
#}
with

countries as (select * from {{ ref('stg_reference__countries') }}),

factors as (

    select factor_id from {{ ref('stg_factors__emission_factors') }}

),

matched as (

    select
        countries.country,
        countries.continent,
        country_factor.factor_id as country_factor_id,
        region_factor.factor_id as region_factor_id,
        global_factor.factor_id as global_factor_id

    from countries
    left join factors as country_factor
        on country_factor.factor_id = {{ dbt.concat(["'hotel.'", 'countries.country', "'@room.night'"]) }}
    left join factors as region_factor
        on region_factor.factor_id = {{ dbt.concat(["'hotel.region.'", 'countries.continent', "'@room.night'"]) }}
    left join factors as global_factor
        on global_factor.factor_id = 'hotel.global@room.night'

),

final as (

    select
        country,
        continent,
        coalesce(country_factor_id, region_factor_id, global_factor_id) as factor_id,
        case
            when country_factor_id is not null then 'country'
            when region_factor_id is not null then 'region'
            when global_factor_id is not null then 'global'
        end as factor_level,
        case
            when country_factor_id is null and region_factor_id is not null then continent
        end as factor_region,
        cast(case
            when country_factor_id is not null then 2
            when region_factor_id is not null then 3
            else 4
        end as {{ dbt.type_int() }}) as data_quality

    from matched

)

select * from final
