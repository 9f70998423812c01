with

{{ loaded_rows('tmc_rail') }},

renamed as (

    select
        {{ lineage_columns('tmc_rail') }},

        {{ clean_text('source.client_account') }} as client_account,
        {{ clean_text('source.traveller_name_pseudonym') }} as traveller_pseudonym,
        {{ clean_text('source.employee_id_pseudonym') }} as employee_pseudonym,
        {{ clean_text('source.ticket_number') }} as ticket_number,
        {{ ticket13('source.ticket_number') }} as ticket13,
        {{ clean_code('source.transaction_type') }} as transaction_type,
        {{ parse_date('source.issue_date') }} as issue_date,

        {{ clean_text('source.rail_carrier') }} as rail_carrier,
        {{ clean_code('source.origin_station') }} as origin_station,
        {{ clean_code('source.destination_station') }} as destination_station,
        {{ clean_code('source.origin_country') }} as origin_country,
        {{ clean_code('source.destination_country') }} as destination_country,
        {{ parse_date('source.travel_date') }} as travel_date,
        {{ clean_text('source.class') }} as travel_class,
        {{ to_double('source.distance_km') }} as distance_km,

        {{ to_money('source.amount') }} as fare_amount,
        {{ clean_code('source.currency') }} as currency,
        {{ to_double('source.co2_kg') }} as agency_co2_kg

    from source
    inner join loaded_files
        on source._file_id = loaded_files.file_id

)

select * from renamed
