{#
    One row per DETAIL (journal) line of a Concur Standard Accounting Extract, from files
    whose manifest status is `loaded`. Renamed and cast; TAB and control characters inside
    values collapse to one space. The travel custom fields keep their text beside the value
    they were read as (NULL when the text is not one), so that intermediate models can say
    why an entry is unmapped.
#}
with

{{ loaded_rows('concur_sae_detail') }},

renamed as (

    select
        {{ lineage_columns('concur_sae_detail') }},

        {{ clean_spaces('source.batch_id') }} as batch_id,
        {{ parse_date('source.batch_date') }} as batch_date,
        {{ to_integer('source.sequence_number') }} as sequence_number,
        {{ clean_text('source.employee_id_pseudonym') }} as employee_pseudonym,
        {{ clean_spaces('source.employee_group') }} as employee_group,

        {{ clean_spaces('source.report_id') }} as report_id,
        {{ clean_spaces('source.report_key') }} as report_key,
        {{ clean_spaces('source.ledger') }} as ledger,
        {{ clean_code('source.reimbursement_currency') }} as reimbursement_currency,
        {{ clean_spaces('source.home_country_name') }} as home_country_name,
        {{ parse_date('source.report_submit_date') }} as report_submit_date,
        {{ parse_date('source.report_payment_processing_date') }} as report_payment_date,
        {{ to_money('source.report_total_approved') }} as report_total_approved_amount,
        {{ clean_spaces('source.policy') }} as expense_policy,
        {{ clean_spaces('source.employee_status') }} as employee_status,
        {{ parse_date('source.report_start_date') }} as report_start_date,
        {{ parse_date('source.report_end_date') }} as report_end_date,

        {{ clean_spaces('source.entry_key') }} as entry_key,
        {{ clean_code('source.entry_transaction_type') }} as entry_transaction_type,
        {{ clean_spaces('source.expense_type_name') }} as expense_type,
        upper({{ clean_spaces('source.expense_type_name') }}) as expense_type_key,
        {{ parse_date('source.transaction_date') }} as transaction_date,
        {{ clean_code('source.spend_currency') }} as spend_currency,
        {{ to_double('source.exchange_rate') }} as exchange_rate,
        {{ clean_code('source.exchange_rate_direction') }} as exchange_rate_direction,
        coalesce({{ clean_code('source.is_personal') }} = 'Y', false) as is_personal,
        {{ clean_spaces('source.entry_description') }} as entry_description,
        {{ clean_spaces('source.vendor_name') }} as vendor_name,
        {{ clean_spaces('source.vendor_description') }} as vendor_description,
        {{ to_money('source.transaction_amount') }} as transaction_amount,
        {{ to_money('source.posted_amount') }} as posted_amount,

        {{ clean_code('source.payment_type_code') }} as payment_type_code,
        {{ clean_spaces('source.payment_type_name') }} as payment_type_name,
        {{ clean_spaces('source.payer_payment_type_name') }} as payer_payment_type_name,
        {{ clean_spaces('source.payee_payment_type_name') }} as payee_payment_type_name,
        {{ clean_spaces('source.journal_account_code') }} as journal_account_code,
        {{ clean_code('source.journal_debit_credit') }} as journal_debit_credit,
        {{ to_money('source.journal_amount') }} as journal_amount,
        {{ clean_spaces('source.journal_key') }} as journal_key,
        {{ clean_spaces('source.allocation_key') }} as allocation_key,
        {{ to_double('source.allocation_pct') }} as allocation_pct,
        {{ clean_spaces('source.allocation_segment_1') }} as allocation_segment_1,
        {{ clean_spaces('source.allocation_segment_2') }} as allocation_segment_2,
        {{ clean_spaces('source.allocation_segment_3') }} as allocation_segment_3,
        {{ clean_spaces('source.allocation_segment_4') }} as allocation_segment_4,
        {{ clean_spaces('source.allocation_segment_5') }} as allocation_segment_5,
        {{ clean_spaces('source.allocation_segment_6') }} as allocation_segment_6,
        {{ clean_code('source.entry_location_country') }} as entry_country,
        {{ clean_code('source.entry_location_subdivision') }} as entry_subdivision,

        {{ clean_spaces('source.ticket_number') }} as ticket_text,
        case
            when {{ full_match(replace_all('trim(source.ticket_number)', "'[-\s]'", "''"), '[0-9]{13}') }}
                then {{ replace_all('trim(source.ticket_number)', "'[-\s]'", "''") }}
        end as ticket13,
        {{ clean_spaces('source.routing') }} as routing_text,
        case
            when {{ full_match('upper(' ~ clean_spaces('source.routing') ~ ')', '[A-Z]{3}(\s*[-/>\s]\s*[A-Z]{3})+') }}
                then {{ replace_all('upper(' ~ clean_spaces('source.routing') ~ ')', "'\s*[-/>\s]\s*'", "'-'") }}
        end as routing,
        upper({{ clean_spaces('source.class_of_service') }}) as class_of_service_text,
        {{ clean_spaces('source.room_nights') }} as room_nights_text,
        {{ to_double('source.room_nights') }} as room_nights,
        {{ clean_spaces('source.distance') }} as distance_text,
        {{ to_double('source.distance') }} as distance,
        {{ clean_spaces('source.distance_unit') }} as distance_unit_text,
        case
            when upper({{ clean_spaces('source.distance_unit') }}) in (
                'KM', 'KMS', 'KILOMETER', 'KILOMETERS', 'KILOMETRE', 'KILOMETRES'
            ) then 'KM'
            when upper({{ clean_spaces('source.distance_unit') }}) in ('MI', 'MILE', 'MILES')
                then 'MI'
        end as distance_unit

    from source
    inner join loaded_files
        on source._file_id = loaded_files.file_id

)

select * from renamed
