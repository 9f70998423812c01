with

{{ loaded_rows('tmc_air_segments') }},

renamed as (

    select
        {{ lineage_columns('tmc_air_segments') }},

        {{ clean_text('source.client_account') }} as client_account,
        {{ clean_text('source.traveller_name_pseudonym') }} as traveller_pseudonym,
        {{ clean_text('source.employee_id_pseudonym') }} as employee_pseudonym,
        {{ clean_text('source.cost_centre') }} as cost_centre,
        {{ clean_text('source.trip_purpose') }} as trip_purpose,
        {{ clean_code('source.record_locator') }} as record_locator,
        {{ clean_text('source.ticket_number') }} as ticket_number,
        {{ ticket13('source.ticket_number') }} as ticket13,
        {{ ticket13('source.original_ticket_number') }} as original_ticket13,
        {{ clean_code('source.transaction_type') }} as transaction_type,
        {{ parse_date('source.issue_date') }} as issue_date,

        {{ clean_code('source.validating_carrier') }} as validating_carrier,
        {{ to_integer('source.segment_no') }} as segment_no,
        {{ clean_code('source.marketing_carrier') }} as marketing_carrier,
        {{ clean_code('source.operating_carrier') }} as operating_carrier,
        {{ clean_code('source.flight_number') }} as flight_number,
        {{ clean_code('source.origin_airport') }} as origin_airport_code,
        {{ clean_text('source.origin_city') }} as origin_city,
        {{ clean_code('source.origin_country') }} as origin_country,
        {{ clean_code('source.destination_airport') }} as destination_airport_code,
        {{ clean_text('source.destination_city') }} as destination_city,
        {{ clean_code('source.destination_country') }} as destination_country,
        {{ parse_date('source.departure_date') }} as departure_date,
        {{ clean_text('source.departure_time') }} as departure_time,
        {{ parse_date('source.arrival_date') }} as arrival_date,

        {{ clean_code('source.booking_class') }} as booking_class,
        {{ clean_code('source.cabin') }} as cabin_text,
        {{ clean_code('source.fare_basis') }} as fare_basis,
        {{ to_double('source.segment_km') }} as agency_segment_km,
        {{ to_double('source.segment_miles') }} as agency_segment_miles,
        {{ clean_text('source.haul') }} as agency_haul,

        {{ to_money('source.ticket_fare') }} as ticket_fare_amount,
        {{ to_money('source.ticket_taxes') }} as ticket_taxes_amount,
        {{ to_money('source.ticket_total') }} as ticket_total_amount,
        {{ clean_code('source.currency') }} as currency,

        {{ to_double('source.co2_kg') }} as agency_co2_kg,
        {{ to_double('source.co2e_kg_incl_rf') }} as agency_co2e_incl_rf_kg,
        {{ clean_text('source.co2_methodology') }} as agency_co2_methodology

    from source
    inner join loaded_files
        on source._file_id = loaded_files.file_id

)

select * from renamed
