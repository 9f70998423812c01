{#
    One row per Concur report entry (organization, report key, entry key) of the kept copy
    of its report: the activity is the entry, not the journal line (docs/dialects.md D3). The
    entry's lines are its allocations, payer/payee lines, credit lines and itemizations
    (a Hotel Tax itemization on a Hotel entry); the entry is described by its first
    non-personal line of an emitting expense type (factors.concur_expense_types), else by
    its first non-personal line.

    fate:
    - `personal`: every line of the entry is personal; it counts nothing;
    - `unclassified`: the expense type is not in factors.concur_expense_types;
    - `non_emitting`: meals, allowances, hotel tax, fees (no emissions, factors/METHODOLOGY.md);
    - `credit`: a negative entry (a refund of an expense); it creates no activity and takes
      nothing away: the expense it refunds counts where it was charged;
    - `agency_ticket`: an Airfare whose ticket number (13 digits) is in a travel-agency
      file of the same organization: counted from the agency only (factors/METHODOLOGY.md section 3.8);
    - `duplicate_ticket`: an Airfare whose ticket another entry of the organization already
      claims (a change fee, a second claim): the ticket counts once, from its first entry;
    - `activity`: counted here: air legs in int_concur_sae_air_legs, everything else in
      int_concur_sae_activities. activity_issue says why it cannot be mapped (no distance,
      a custom field that does not hold what the custom_field_map says, ...).

    Airfare details come from the custom fields; when the ticket or routing field is empty
    they are read from the vendor description `<AIRLINE> <ticket> <ORIG> <DEST>` (one leg,
    data quality 3). A ticket field that holds something else makes the entry unmapped: it
    could not be checked against the agency files.
#}
with

line_fates as (

    select * from {{ ref('int_concur_sae_line_fates') }}
    where fate in ('entry_line', 'personal')

),

lines as (select * from {{ ref('stg_concur_sae__journal_lines') }}),

expense_types as (select * from {{ ref('stg_factors__concur_expense_types') }}),

agency_tickets as (

    select distinct
        org_code,
        ticket13
    from {{ ref('int_travel_ticket_rows') }}
    where travel_mode = 'air' and ticket13 is not null

),

classified as (

    select
        lines.*,
        line_fates.entry_id,
        expense_types.expense_type as known_expense_type,
        expense_types.activity_type as type_activity,
        expense_types.quantity_kind,
        expense_types.unit as type_unit,
        expense_types.factor_key,
        expense_types.boundary as type_boundary,
        case
            when expense_types.expense_type is null then 3
            when expense_types.activity_type = 'none' then 2
            else 1
        end as type_rank

    from line_fates
    inner join lines
        on line_fates.source_row_key = lines.source_row_key
    left join expense_types
        on lines.expense_type_key = expense_types.expense_type

),

entry_totals as (

    select
        entry_id,
        count(*) as line_count,
        sum(case when is_personal then 1 else 0 end) as personal_line_count,
        sum(case when not is_personal then journal_amount end) as journal_amount,
        {{ ordered_string_agg('expense_type', "', '", 'expense_type', distinct=true) }}
            as expense_types

    from classified
    group by entry_id

),

representative as (

    select
        *,
        row_number() over (
            partition by entry_id
            order by is_personal asc, type_rank asc, source_row asc
        ) as line_rank,
        -- `<AIRLINE> <ticket> <ORIG> <DEST>`: what idx 70 says when the custom fields are empty
        nullif(replace(regexp_extract(
            coalesce(vendor_description, ''), '(^|[^0-9])([0-9]{3}-?[0-9]{10})([^0-9]|$)', 2
        ), '-', ''), '') as described_ticket13,
        nullif(regexp_replace(regexp_extract(
            upper(coalesce(vendor_description, '')), '[^A-Z]([A-Z]{3}\s+[A-Z]{3})\s*$', 1
        ), '\s+', '-'), '') as described_routing

    from classified

),

entries as (

    select
        representative.*,
        entry_totals.line_count,
        entry_totals.personal_line_count,
        entry_totals.journal_amount as entry_journal_amount,
        entry_totals.expense_types,
        coalesce(
            representative.ticket13,
            case when representative.ticket_text is null then representative.described_ticket13 end
        ) as entry_ticket13,
        case
            when representative.ticket13 is not null then 'custom_field'
            when representative.ticket_text is null and representative.described_ticket13 is not null
                then 'vendor_description'
        end as ticket_source,
        coalesce(
            representative.routing,
            case when representative.routing_text is null then representative.described_routing end
        ) as entry_routing,
        case
            when representative.routing is not null then 'custom_field'
            when representative.routing_text is null and representative.described_routing is not null
                then 'vendor_description'
        end as routing_source

    from representative
    inner join entry_totals
        on representative.entry_id = entry_totals.entry_id
    where representative.line_rank = 1

),

with_agency as (

    select
        entries.*,
        agency_tickets.ticket13 is not null as is_agency_ticket,
        coalesce(entries.transaction_amount, entries.posted_amount) < 0 as is_credit,
        entries.type_activity = 'air'
        and entries.entry_ticket13 is not null
        and entries.personal_line_count < entries.line_count
        and not coalesce(entries.transaction_amount, entries.posted_amount, 0) < 0
        and agency_tickets.ticket13 is null as is_expensed_ticket

    from entries
    left join agency_tickets
        on
            entries.org_code = agency_tickets.org_code
            and entries.entry_ticket13 = agency_tickets.ticket13

),

ticket_ranked as (

    select
        *,
        case
            when is_expensed_ticket
                then row_number() over (
                    partition by org_code, entry_ticket13, is_expensed_ticket
                    order by activity_date asc, report_key asc, entry_key asc
                )
        end as ticket_rank,
        case
            when is_expensed_ticket
                then first_value(report_key) over (
                    partition by org_code, entry_ticket13, is_expensed_ticket
                    order by activity_date asc, report_key asc, entry_key asc
                )
        end as ticket_first_report_key

    from (
        select
            *,
            coalesce(transaction_date, report_end_date, batch_date) as activity_date
        from with_agency
    ) as dated

),

fated as (

    select
        *,
        case
            when personal_line_count = line_count then 'personal'
            when known_expense_type is null then 'unclassified'
            when type_activity = 'none' then 'non_emitting'
            when is_credit then 'credit'
            when type_activity = 'air' and is_agency_ticket then 'agency_ticket'
            when ticket_rank > 1 then 'duplicate_ticket'
            else 'activity'
        end as fate,
        case
            when quantity_kind = 'distance' and distance_unit = 'MI' then distance * 1.609344
            when quantity_kind = 'distance' and distance_unit = 'KM' then distance
        end as distance_km

    from ticket_ranked

),

final as (

    select
        entry_id,
        org_code,
        report_key,
        entry_key,
        batch_id,
        source_file_id,
        source_sheet,
        source_row,
        employee_pseudonym,
        expense_type,
        expense_types,
        activity_date,
        line_count,
        personal_line_count,
        entry_journal_amount as journal_amount,
        reimbursement_currency,
        transaction_amount,
        spend_currency,
        type_activity as activity_type,
        quantity_kind,
        type_unit as unit,
        factor_key,
        type_boundary as boundary,
        ticket_text,
        entry_ticket13 as ticket13,
        ticket_source,
        is_agency_ticket,
        routing_text,
        entry_routing as routing,
        routing_source,
        class_of_service_text,
        room_nights_text,
        room_nights,
        distance_text,
        distance_unit_text,
        distance_km,
        entry_country,
        entry_subdivision,
        fate,
        case fate
            when 'personal' then 'every line of the entry is personal'
            when 'unclassified'
                then {{ dbt.concat([
                    "'expense type '", in_quotes('expense_type'), "' is not in factors/concur_expense_types.csv'"
                ]) }}
            when 'non_emitting' then 'expense type without emissions'
            when 'credit'
                then 'credit entry (negative amount): a refund of an expense, which counts where it was charged'
            when 'duplicate_ticket'
                then {{ dbt.concat([
                    "'ticket '", 'entry_ticket13', "' is also expensed in report '",
                    'ticket_first_report_key', "': counted once, there'"
                ]) }}
            when 'agency_ticket'
                then {{ dbt.concat([
                    "'ticket '", 'entry_ticket13', "' is in a travel-agency file: counted from the agency'"
                ]) }}
        end as fate_note,
        case
            when fate != 'activity' then null
            when type_activity = 'air'
                then nullif(concat_ws(
                    '; ',
                    case
                        when ticket_text is not null and ticket13 is null
                            then {{ dbt.concat([
                                "'ticket number '", in_quotes('ticket_text'), "' is not a 13-digit ticket number (custom field ticket_number): '",
                                "'the entry cannot be checked against the travel-agency files'"
                            ]) }}
                    end,
                    case
                        when routing_text is not null and routing is null
                            then {{ dbt.concat([
                                "'routing '", in_quotes('routing_text'), "' is not a list of airport codes such as GVA-FRA-JFK (custom field routing)'"
                            ]) }}
                        when entry_routing is null
                            then 'no routing (custom field routing empty and none in the vendor description)'
                    end
                ), '')
            when quantity_kind = 'distance'
                then case
                    when distance_text is null
                        then {{ dbt.concat([
                            "'no distance for '", 'expense_type', "' entry (custom field distance empty)'"
                        ]) }}
                    when distance is null
                        then {{ dbt.concat([
                            "'distance '", in_quotes('distance_text'), "' is not a number (custom field distance)'"
                        ]) }}
                    when distance <= 0
                        then {{ dbt.concat(["'distance '", in_quotes('distance_text'), "' is not above 0'"]) }}
                    when distance_unit_text is null
                        then 'no distance unit (custom field distance_unit: KM or MI)'
                    when distance_unit is null
                        then {{ dbt.concat([
                            "'distance unit '", in_quotes('distance_unit_text'), "' is not KM or MI'"
                        ]) }}
                end
            when quantity_kind = 'room_nights'
                then case
                    when room_nights_text is null
                        then 'no room nights for hotel entry (custom field room_nights empty)'
                    when room_nights is null
                        then {{ dbt.concat([
                            "'room nights '", in_quotes('room_nights_text'), "' is not a number (custom field room_nights)'"
                        ]) }}
                    when room_nights <= 0
                        then {{ dbt.concat(["'room nights '", in_quotes('room_nights_text'), "' is not above 0'"]) }}
                    when entry_country is null or not {{ full_match('entry_country', '[A-Z]{2}') }}
                        then 'missing hotel country (entry location country)'
                end
            when quantity_kind = 'litres'
                then {{ dbt.concat([
                    "'no litres for '", 'expense_type', "' entry: the extract carries no fuel quantity'"
                ]) }}
        end as activity_issue

    from fated

)

select * from final
