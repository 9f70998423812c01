{#
    Every loaded generator fuel delivery in litres (factors/METHODOLOGY.md, Fuels): the unit is the one
    written in the quantity cell (`200 L`), else the Unit column, else litres, the
    template's unit (data quality 3); a bare `gal` is a US gallon (data quality 3, from
    factors/unit_conversions.csv). A unit in the cell that contradicts the Unit column
    leaves the delivery without a quantity (`quantity_issue`), never guessed.
#}
with

deliveries as (select * from {{ ref('stg_generator_log__deliveries') }}),

products as (select * from {{ ref('stg_factors__fuel_products') }}),

conversions as (select * from {{ ref('stg_factors__unit_conversions') }}),

units as (

    select
        *,
        coalesce(unit_in_cell, unit, 'L') as unit_used,
        unit_in_cell is null and unit is null as unit_defaulted,
        unit_in_cell is not null and unit is not null and unit_in_cell != unit as unit_conflict

    from deliveries

),

final as (

    select
        units.source_row_key,
        units.source_file_id,
        units.source_sheet,
        units.source_row,
        units.org_code,
        units.office,
        units.generator_id,
        units.delivery_date,
        units.fuel_type,
        products.fuel_key,
        products.kind as product_kind,
        units.quantity,
        units.unit_used,
        units.unit_defaulted,
        conversions.to_unit,
        case
            when not units.unit_conflict and conversions.to_unit = 'litre'
                then units.quantity * conversions.factor
        end as quantity_litres,
        case
            when units.unit_conflict
                then {{ dbt.concat([
                    "'unit in the quantity cell ('", 'units.unit_in_cell',
                    "') differs from the Unit column ('", 'units.unit', "')'"
                ]) }}
            when conversions.unit_text is null
                then {{ dbt.concat(["'unit '", in_quotes('units.unit_used'), "' cannot be converted'"]) }}
            when conversions.to_unit != 'litre'
                then {{ dbt.concat([
                    "'a fuel quantity in '", 'conversions.to_unit', "' has no factor in this set'"
                ]) }}
        end as quantity_issue,
        case
            when units.unit_defaulted or conversions.data_quality = 3 then 3 else 2
        end as data_quality

    from units
    left join products
        on units.fuel_key_text = products.product_text
    left join conversions
        on units.unit_used = conversions.unit_text

)

select * from final
