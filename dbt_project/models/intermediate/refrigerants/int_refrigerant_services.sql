{#
    Every loaded refrigerant service row in kg, with the gas it names and its part in the
    material balance (factors/METHODOLOGY.md, Refrigerants):

    - Top-up, Leak repair, Recovery: kg added minus kg recovered (gas recovered and
      recharged is not emitted); a negative `Quantity Added` is gas taken out, i.e.
      recovered;
    - Disposal: nameplate charge minus kg recovered, not below 0;
    - Installation and Leak check: no part in the balance (`no_emissions`).

    Units through factors/unit_conversions.csv (lb x 0.45359237, g / 1000); a missing
    unit is kg, data quality 3. Gas names through factors/refrigerant_gases.csv. The same
    row delivered again in another file counts once (`duplicate`). A row without a
    readable service date or equipment id (its `cast_issue` says which cell) is in no
    balance (`unreadable`): the connector quarantines such rows, so only a row loaded by
    an older connector gets here.
#}
with

services as (select * from {{ ref('stg_refrigerant__services') }}),

gases as (select * from {{ ref('stg_factors__refrigerant_gases') }}),

conversions as (select * from {{ ref('stg_factors__unit_conversions') }}),

ranked as (

    select
        *,
        row_number() over (
            partition by
                org_code, site_code, equipment_id, service_date, service_type,
                quantity_added_text, quantity_recovered_text
            order by first_seen_at, source_file_id, source_row
        ) as copy_number,
        first_value(source_row_key) over (
            partition by
                org_code, site_code, equipment_id, service_date, service_type,
                quantity_added_text, quantity_recovered_text
            order by first_seen_at, source_file_id, source_row
        ) as first_row_key

    from services

),

converted as (

    select
        ranked.*,
        gases.gas,
        gases.boundary as gas_boundary,
        quantity_units.to_unit as quantity_to_unit,
        charge_units.to_unit as charge_to_unit,
        ranked.quantity_unit is null as quantity_unit_defaulted,
        ranked.charge_unit is null as charge_unit_defaulted,
        case when ranked.quantity_added > 0 then ranked.quantity_added * quantity_units.factor else 0 end
            as added_kg,
        case
            when ranked.quantity_added < 0 then -ranked.quantity_added * quantity_units.factor
            else coalesce(ranked.quantity_recovered, 0) * quantity_units.factor
        end as recovered_kg,
        ranked.nameplate_charge * charge_units.factor as nameplate_kg

    from ranked
    left join gases
        on ranked.refrigerant_key = gases.name_text
    left join conversions as quantity_units
        on coalesce(ranked.quantity_unit, 'KG') = quantity_units.unit_text
    left join conversions as charge_units
        on coalesce(ranked.charge_unit, 'KG') = charge_units.unit_text

),

final as (

    select
        source_row_key,
        source_file_id,
        source_sheet,
        source_row,
        org_code,
        site_code,
        country,
        equipment_id,
        equipment_type,
        refrigerant,
        coalesce(gas, refrigerant_key) as gas,
        gas is not null as is_known_gas,
        gas_boundary,
        service_date,
        cast(extract(year from service_date) as {{ dbt.type_int() }}) as reporting_year,
        service_type,
        added_kg,
        recovered_kg,
        nameplate_kg,
        case
            when service_type in ('TOP-UP', 'LEAK REPAIR', 'RECOVERY') then added_kg - recovered_kg
            when service_type = 'DISPOSAL' then greatest(nameplate_kg - recovered_kg, 0)
        end as balance_kg,
        case
            when copy_number > 1 then 'duplicate'
            when service_date is null or equipment_id is null then 'unreadable'
            when service_type not in ('TOP-UP', 'LEAK REPAIR', 'RECOVERY', 'DISPOSAL') then 'no_emissions'
            when gas_boundary = 'none' then 'no_emissions'
            else 'balance'
        end as fate,
        case when copy_number > 1 then first_row_key end as duplicate_of_row_key,
        case
            when
                (quantity_unit_defaulted and service_type in ('TOP-UP', 'LEAK REPAIR', 'RECOVERY'))
                or (charge_unit_defaulted and service_type = 'DISPOSAL')
                then 3
            else 2
        end as data_quality

    from converted

)

select * from final
