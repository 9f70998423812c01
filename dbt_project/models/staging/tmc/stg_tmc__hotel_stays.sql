with

{{ loaded_rows('tmc_hotel') }},

renamed as (

    select
        {{ lineage_columns('tmc_hotel') }},

        {{ clean_text('source.client_account') }} as client_account,
        {{ clean_text('source.traveller_name_pseudonym') }} as traveller_pseudonym,
        {{ clean_text('source.employee_id_pseudonym') }} as employee_pseudonym,
        {{ clean_code('source.record_locator') }} as record_locator,
        {{ clean_text('source.hotel_chain') }} as hotel_chain,
        {{ clean_text('source.hotel_name') }} as hotel_name,
        {{ clean_text('source.hotel_city') }} as hotel_city,
        {{ clean_code('source.hotel_country') }} as hotel_country,
        {{ parse_date('source.check_in_date') }} as check_in_date,
        {{ parse_date('source.check_out_date') }} as check_out_date,
        {{ to_double('source.room_nights') }} as room_nights,
        {{ to_integer('source.rooms') }} as rooms,

        {{ to_money('source.nightly_rate') }} as nightly_rate_amount,
        {{ clean_code('source.currency') }} as currency,
        {{ to_money('source.total_amount') }} as total_amount,
        {{ clean_code('source.booking_status') }} as booking_status,
        {{ clean_text('source.booking_channel') }} as booking_channel

    from source
    inner join loaded_files
        on source._file_id = loaded_files.file_id

)

select * from renamed
